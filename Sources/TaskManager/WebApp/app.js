// The web app's entry: finish or resume the sign-in, then show the screen the address names, and
// follow the user's events (live.js) until they sign out.
import { accountScreen } from "./account.js";
import { describe } from "./activity.js";
import { api } from "./api.js";
import { currentAccessToken, finishSignIn, hasSession, issuer, refresh, signIn, signOut } from "./auth.js";
import { announce, field, fill, h, messageBox, redrawKeeping, submitting } from "./dom.js";
import { listsScreen } from "./lists.js";
import { myID, startLive, stopLive, stopWatching } from "./live.js";
import { listScreen } from "./sharing.js";
import { tasksScreen } from "./tasks.js";

const main = document.getElementById("main");
const nav = document.getElementById("nav");

async function start() {
  // The registered redirect URI and the issuer are the server's public URL: work from there.
  if (location.origin !== new URL(issuer).origin) {
    location.replace(issuer + location.pathname + location.search);
    return;
  }
  if (location.pathname === "/app/signed-out") {
    // Back from /logout: the browser's TaskManager sign-in has ended too.
    history.replaceState(null, "", "/app");
    return signedOut("You are signed out.", "/app");
  }
  if (location.pathname === "/app/callback") {
    try {
      history.replaceState(null, "", await finishSignIn());
    } catch (error) {
      return signedOut(error.message, "/app");
    }
  } else if (!currentAccessToken()) {
    if (!hasSession()) return signedOut();
    try {
      await refresh();
    } catch {
      return signedOut("Your session has ended. Sign in again.");
    }
  }
  nav.hidden = false;
  show();
  startLive({ onEvent: everywhere, onReset: reload, onState: showLiveState });
}

/** The screens by address; the nav link each belongs under. */
const screens = {
  "/app": [tasksScreen, "/app"],
  "/app/lists": [listsScreen, "/app/lists"],
  "/app/list": [listScreen, "/app/lists"],
  "/app/account": [accountScreen, "/app/account"],
};

/** The screen for the current address. */
function show() {
  const [screen, section] = screens[location.pathname] || screens["/app"];
  for (const link of nav.querySelectorAll("a[data-route]")) {
    if (link.getAttribute("href") === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  stopWatching();
  screen(main);
}

/** What the screen shows, loaded again (events may have been missed): the account shows none. */
function reload() {
  const [screen] = screens[location.pathname] || screens["/app"];
  if (screen !== accountScreen) redrawKeeping(main, screen);
}

/** An invitation is said whatever the screen (the lists show it). */
function everywhere(event) {
  if (event.type === "invitation.received") announce(describe(event, { me: myID() }) + ": see Lists.");
}

/** While the events cannot be followed, the bar says so; `data-live` on the body says how they are. */
function showLiveState(state) {
  document.body.dataset.live = state;
  const note = document.getElementById("live-state");
  note.hidden = state !== "retrying";
  note.textContent = state === "retrying" ? "Connection lost: reconnecting…" : "";
}

/** Moves within the app without loading the page again. */
export function go(path) {
  history.pushState(null, "", path);
  show();
  main.focus();
}

document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a[data-route]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  go(link.getAttribute("href"));
});
window.addEventListener("popstate", () => currentAccessToken() && show());

// Leaves the page for /logout, which comes back to /app/signed-out.
document.getElementById("sign-out").addEventListener("click", () => {
  stopLive();
  signOut();
});

/** The screen of someone not signed in: sign in (back to `returnTo` afterwards) or make an account. */
function signedOut(message, returnTo = location.pathname + location.search) {
  nav.hidden = true;
  const problem = messageBox();
  const begin = async () => {
    try {
      await signIn(returnTo);
    } catch (error) {
      problem.show(error.message);
    }
  };
  fill(
    main,
    h("section", { class: "card narrow" },
      h("h1", {}, "Your tasks, yours alone"),
      message ? h("p", { class: "notice", role: "status" }, message) : null,
      h("p", {}, "Sign in on the server's own page; this app never sees your password."),
      h("button", { type: "button", id: "sign-in", onclick: begin }, "Sign in"),
      problem),
    registration(begin));
  main.querySelector("#sign-in").focus();
}

function registration(thenSignIn) {
  const username = field("Username", h("input", { name: "username", autocomplete: "username", required: true }));
  const password = field("Password", h("input", { name: "password", type: "password", autocomplete: "new-password", required: true }),
    "At least 8 characters.");
  const problem = messageBox();
  const form = h("form", { class: "card narrow", id: "register" },
    h("h2", {}, "New here?"), username.wrap, password.wrap,
    h("button", { type: "submit", class: "secondary" }, "Create the account and sign in"), problem);
  submitting(form, { username, password }, problem, async () => {
    await api("POST", "/users", { username: username.input.value, password: password.input.value });
    await thenSignIn();
  });
  return form;
}

start();
