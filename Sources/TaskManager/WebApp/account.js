// The account: profile, password, login sessions, the apps allowed and the second factor.
import { api } from "./api.js";
import { announce, field, fill, formatDate, h, messageBox, submitting } from "./dom.js";
import { qrSVG } from "./qr.js";

export async function accountScreen(main) {
  const problem = messageBox();
  fill(main, h("h1", { id: "account-heading" }, "Account"), problem);
  let me;
  try {
    me = await api("GET", "/me");
  } catch (error) {
    return problem.show(error.message);
  }
  const sessions = h("section", { class: "card", id: "sessions", "aria-labelledby": "sessions-heading" });
  const consents = h("section", { class: "card", id: "consents", "aria-labelledby": "consents-heading" });
  const factor = h("section", { class: "card", id: "second-factor", "aria-labelledby": "mfa-heading" });
  main.append(profileForm(me), passwordForm(me, () => loadSessions(sessions)), sessions, consents, factor);
  loadSessions(sessions);
  loadConsents(consents);
  secondFactor(factor, me);
}

/** For password managers: whose password a form asks for. */
function usernameFor(me) {
  return h("input", { type: "text", name: "username", autocomplete: "username", value: me.username, hidden: true, tabindex: -1 });
}

function profileForm(me) {
  const items = {
    email: field("Email", h("input", { name: "email", type: "email", autocomplete: "email", value: me.email || "" })),
    full_name: field("Full name", h("input", { name: "full_name", autocomplete: "name", value: me.full_name || "" })),
  };
  const problem = messageBox();
  const saved = h("p", { class: "notice", role: "status" });
  const form = h("form", { class: "card", id: "profile", "aria-labelledby": "profile-heading" },
    h("h2", { id: "profile-heading" }, "Profile"),
    h("p", {}, "Signed in as ", h("strong", { id: "username" }, me.username), me.is_admin ? " (administrator)" : ""),
    items.email.wrap, items.full_name.wrap, h("button", { type: "submit" }, "Save profile"), problem, saved);
  submitting(form, items, problem, async () => {
    saved.textContent = "";
    // An emptied field clears it.
    await api("PATCH", "/me", { email: items.email.input.value.trim() || null, full_name: items.full_name.input.value.trim() || null });
    saved.textContent = "Profile saved.";
  });
  return form;
}

function passwordForm(me, changed) {
  const items = {
    current_password: field("Current password", h("input", { name: "current_password", type: "password", autocomplete: "current-password", required: true })),
    new_password: field("New password", h("input", { name: "new_password", type: "password", autocomplete: "new-password", required: true }), "At least 8 characters."),
  };
  const problem = messageBox();
  const done = h("p", { class: "notice", role: "status" });
  const form = h("form", { class: "card", id: "password", "aria-labelledby": "password-heading" },
    h("h2", { id: "password-heading" }, "Password"),
    usernameFor(me),
    items.current_password.wrap, items.new_password.wrap, h("button", { type: "submit" }, "Change password"), problem, done);
  submitting(form, items, problem, async () => {
    done.textContent = "";
    try {
      await api("POST", "/me/password", { current_password: items.current_password.input.value, new_password: items.new_password.input.value });
    } catch (error) {
      if (error.message === "Incorrect password") error.fields = { current_password: "Incorrect password" };
      throw error;
    }
    form.reset();
    done.textContent = "Password changed. Every other session was signed out.";
    changed();
  });
  return form;
}

async function loadSessions(section) {
  const problem = messageBox();
  fill(section, h("h2", { id: "sessions-heading" }, "Where you are signed in"), problem);
  let items;
  try {
    items = (await api("GET", "/me/sessions")).items;
  } catch (error) {
    return problem.show(error.message);
  }
  const list = h("ul", { class: "sessions" }, items.map((session) => {
    const end = session.current ? h("span", { class: "current" }, "This browser")
      : h("button", { type: "button", class: "secondary end-session", "aria-label": `End the session from ${formatDate(session.created_at)}`,
        onclick: async () => {
          try {
            await api("DELETE", `/me/sessions/${session.id}`);
            announce("Session ended.");
            loadSessions(section);
          } catch (error) {
            problem.show(error.message);
          }
        } }, "End");
    return h("li", { class: "session", "data-id": session.id },
      h("div", {},
        h("p", { class: "title" }, session.user_agent || "Unknown device",
          session.kind === "browser" ? " · TaskManager sign-in" : session.client_id ? ` · ${session.client_name || session.client_id}` : "",
          session.resource === "mcp" ? " (assistant)" : ""),
        h("p", { class: "meta" }, `Signed in ${formatDate(session.created_at)} · last used ${formatDate(session.last_used_at)}`)),
      end);
  }));
  const others = items.filter((session) => !session.current).length;
  const endOthers = h("button", { type: "button", class: "secondary", id: "end-others", disabled: others === 0, onclick: async () => {
    try {
      await api("DELETE", "/me/sessions");
      announce("Every other session ended.");
      loadSessions(section);
    } catch (error) {
      problem.show(error.message);
    }
  } }, "End all other sessions");
  section.append(list, endOthers);
}

/** The apps the user allowed: while the browser is signed in to TaskManager, they sign in without asking. */
async function loadConsents(section) {
  const problem = messageBox();
  fill(section, h("h2", { id: "consents-heading" }, "Apps you allowed"), problem);
  let items;
  try {
    items = (await api("GET", "/me/consents")).items;
  } catch (error) {
    return problem.show(error.message);
  }
  if (items.length === 0) return section.append(h("p", { class: "meta" }, "None yet."));
  section.append(h("ul", { class: "sessions" }, items.map((consent) => h("li", { class: "session consent", "data-client": consent.client_id },
    h("div", {},
      h("p", { class: "title" }, consent.client_name),
      h("p", { class: "meta" }, `${consent.scopes.join(", ")} · allowed ${formatDate(consent.created_at)}`)),
    h("button", { type: "button", class: "secondary", "aria-label": `Forget what you allowed ${consent.client_name}`, onclick: async () => {
      try {
        await api("DELETE", `/me/consents/${encodeURIComponent(consent.client_id)}`);
        announce(`${consent.client_name} will ask again.`);
        loadConsents(section);
      } catch (error) {
        problem.show(error.message);
      }
    } }, "Forget")))));
}

function secondFactor(section, me) {
  const problem = messageBox();
  const heading = h("h2", { id: "mfa-heading" }, "Second factor");
  if (me.mfa_enabled) {
    const items = {
      password: field("Password", h("input", { name: "password", type: "password", autocomplete: "current-password", required: true })),
      code: field("Code from the app, or a recovery code", h("input", { name: "code", autocomplete: "one-time-code", required: true })),
    };
    const form = h("form", { id: "mfa-off" }, usernameFor(me), items.password.wrap, items.code.wrap,
      h("button", { type: "submit", class: "danger" }, "Turn off the second factor"), problem);
    submitting(form, items, problem, async () => {
      await api("DELETE", "/me/mfa", { password: items.password.input.value, code: items.code.input.value.trim() });
      announce("The second factor is off.");
      secondFactor(section, { ...me, mfa_enabled: false });
    });
    fill(section, heading, h("p", { class: "notice", id: "mfa-status" }, "On: signing in asks for a code from your authenticator app."), form);
    return;
  }
  const start = h("button", { type: "button", id: "mfa-start" }, "Set up an authenticator app");
  start.addEventListener("click", async () => {
    problem.show("");
    try {
      const enrolment = await api("POST", "/me/mfa/totp");
      enrol(section, me, enrolment);
    } catch (error) {
      problem.show(error.message);
    }
  });
  fill(section, heading, h("p", { id: "mfa-status" }, "Off: signing in needs only your password."), start, problem);
}

function enrol(section, me, { secret, otpauth_uri: uri }) {
  const code = field("The 6-digit code the app shows", h("input", { name: "code", inputmode: "numeric", autocomplete: "one-time-code", required: true, maxlength: 6 }));
  const problem = messageBox();
  let picture;
  try {
    picture = qrSVG(uri);
  } catch {
    picture = h("p", {}, "The QR code cannot be drawn for this account; type the key instead.");
  }
  const form = h("form", { id: "mfa-confirm" },
    h("p", {}, "Scan this code with an authenticator app, or type the key into it."),
    h("figure", { class: "qr" }, picture, h("figcaption", {}, "Key: ", h("code", { id: "mfa-secret" }, secret.replace(/(.{4})/g, "$1 ").trim()))),
    code.wrap, h("button", { type: "submit" }, "Turn on"), problem);
  submitting(form, { code }, problem, async () => {
    const { recovery_codes: codes } = await api("POST", "/me/mfa/totp/confirm", { code: code.input.value.trim() });
    const ok = h("button", { type: "button", onclick: () => secondFactor(section, { ...me, mfa_enabled: true }) }, "I have saved them");
    fill(section, h("h2", { id: "mfa-heading" }, "Second factor"),
      h("p", { class: "notice", role: "status" }, "On. Keep these recovery codes somewhere safe: each signs you in once without the app, and they are shown only now."),
      h("ul", { class: "recovery", id: "recovery-codes" }, codes.map((text) => h("li", {}, h("code", {}, text)))), ok);
    ok.focus();
  });
  fill(section, h("h2", { id: "mfa-heading" }, "Second factor"), form);
  code.input.focus();
}
