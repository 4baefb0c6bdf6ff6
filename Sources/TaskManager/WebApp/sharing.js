// One list's page: rename, delete, members (the owner invites, changes roles, removes, withdraws
// invitations, gives the list away; a member leaves). Drawn again when the list or its members
// change elsewhere (live.js); the list lost takes the user back to their lists, saying why.
import { api } from "./api.js";
import { go } from "./app.js";
import { announce, field, fill, h, messageBox, redrawKeeping, submitting } from "./dom.js";
import { backToLists, goneReason, roleNames } from "./lists.js";
import { afterBurst, watchFromNow } from "./live.js";

/** One list: its name, its members and, for its owner, sharing. */
export async function listScreen(main) {
  const watch = watchFromNow();
  const id = new URLSearchParams(location.search).get("id") || "";
  const problem = messageBox();
  let list, members, me, pending = [];
  try {
    [list, members, me] = await Promise.all([api("GET", `/lists/${id}`), api("GET", `/lists/${id}/members`), api("GET", "/me")]);
    if (list.role === "owner") pending = (await api("GET", `/lists/${id}/invitations`)).items;
  } catch (error) {
    if (error.status === 404) return backToLists("That list is not shared with you any more.");
    fill(main, h("h1", {}, "List"), problem);
    return problem.show(error.message);
  }
  const owner = list.role === "owner";
  /** What an action's refusal means here: a list gone from under the user takes them back. */
  const failed = (box) => (error) => {
    if (error.status === 404 && error.message === "List not found") backToLists(`You are no longer a member of “${list.name}”.`);
    else box.show(error.message);
  };
  const again = () => listScreen(main);
  const drawAgain = afterBurst(() => watch.active() && redrawKeeping(main, listScreen));

  fill(main,
    h("h1", { id: "list-heading" }, list.name),
    h("p", { class: "meta" }, h("span", { class: `role ${list.role}` }, roleNames[list.role]),
      `owner ${list.owner.username} · `, h("a", { href: `/app?list=${list.id}`, "data-route": true }, "Open its tasks")),
    problem,
    owner ? renameForm(list, failed, again) : null,
    membersSection(list, members.items, me, owner, failed, again),
    owner ? inviteSection(list, pending, failed, again) : null,
    owner ? dangerSection(list, members.items, me, failed) : leaveSection(list, me, failed));
  watch.ready((event) => {
    if (event.list_id !== list.id || event.type.startsWith("task.")) return;
    if (event.type === "list.deleted" || (event.type === "member.removed" && event.member.user_id === me.id)) {
      return backToLists(goneReason(event, list.name));
    }
    drawAgain(); // renamed, members changed
  });
}

function renameForm(list, failed, again) {
  const name = field("Name", h("input", { name: "name", value: list.name, required: true, maxlength: 100, autocomplete: "off" }));
  const problem = messageBox();
  const form = h("form", { class: "card", id: "rename-list", "aria-label": "Rename the list" },
    name.wrap, h("button", { type: "submit", class: "secondary" }, "Rename"), problem);
  submitting(form, { name }, problem, async () => {
    try {
      await api("PATCH", `/lists/${list.id}`, { name: name.input.value });
    } catch (error) {
      if (error.status !== 422) return failed(problem)(error);
      throw error;
    }
    announce("Renamed.");
    again();
  });
  return form;
}

function membersSection(list, members, me, owner, failed, again) {
  const problem = messageBox();
  return h("section", { class: "card", "aria-labelledby": "members-heading" },
    h("h2", { id: "members-heading" }, "Members"), problem,
    h("ul", { id: "members", class: "sessions" }, members.map((member) => {
      const row = h("li", { class: "session member", "data-user": member.user_id },
        h("div", {}, h("p", { class: "title" }, member.username + (member.user_id === me.id ? " (you)" : "")),
          h("p", { class: "meta" }, roleNames[member.role])));
      if (owner && member.role !== "owner") {
        const role = h("select", { name: "role", "aria-label": `Role of ${member.username}` },
          ["viewer", "editor"].map((r) => h("option", { value: r, selected: r === member.role }, roleNames[r])));
        role.addEventListener("change", async () => {
          try {
            await api("PATCH", `/lists/${list.id}/members/${member.user_id}`, { role: role.value });
            announce(`${member.username} is now ${role.value === "editor" ? "an editor" : "a viewer"}.`);
            again();
          } catch (error) {
            failed(problem)(error);
          }
        });
        row.append(h("div", { class: "actions" }, role,
          h("button", { type: "button", class: "secondary remove", "aria-label": `Remove ${member.username}`, onclick: async () => {
            try {
              await api("DELETE", `/lists/${list.id}/members/${member.user_id}`);
              announce(`Removed ${member.username}.`);
              again();
            } catch (error) {
              failed(problem)(error);
            }
          } }, "Remove")));
      }
      return row;
    })));
}

function inviteSection(list, pending, failed, again) {
  const username = field("Username", h("input", { name: "username", required: true, maxlength: 64, autocomplete: "off" }));
  const role = field("Role", h("select", { name: "role" },
    h("option", { value: "viewer" }, "Viewer: reads the tasks"), h("option", { value: "editor" }, "Editor: also changes them")));
  const problem = messageBox();
  const form = h("form", { id: "invite", "aria-label": "Invite someone" },
    h("div", { class: "row" }, username.wrap, role.wrap), h("button", { type: "submit" }, "Invite"), problem);
  submitting(form, { username, role }, problem, async () => {
    try {
      await api("POST", `/lists/${list.id}/invitations`, { username: username.input.value.trim(), role: role.input.value });
    } catch (error) {
      if (error.status === 404 && error.message === "List not found") return failed(problem)(error);
      throw error;
    }
    announce(`Invited ${username.input.value.trim()}.`);
    again();
  });
  const waiting = messageBox();
  return h("section", { class: "card", "aria-labelledby": "invite-heading" },
    h("h2", { id: "invite-heading" }, "Invite"), form,
    pending.length ? h("h3", {}, "Waiting for an answer") : null, waiting,
    h("ul", { id: "pending", class: "sessions" }, pending.map((invitation) =>
      h("li", { class: "session", "data-id": invitation.id },
        h("div", {}, h("p", { class: "title" }, invitation.username),
          h("p", { class: "meta" }, `as ${invitation.role}, until ${new Date(invitation.expires_at).toLocaleDateString()}`)),
        h("button", { type: "button", class: "secondary withdraw", "aria-label": `Withdraw the invitation of ${invitation.username}`,
          onclick: async () => {
            try {
              await api("DELETE", `/lists/${list.id}/invitations/${invitation.id}`);
              announce(`Withdrew the invitation of ${invitation.username}.`);
              again();
            } catch (error) {
              failed(waiting)(error);
            }
          } }, "Withdraw")))));
}

function dangerSection(list, members, me, failed) {
  const problem = messageBox();
  const others = members.filter((member) => member.user_id !== me.id);
  const heir = field("New owner", h("select", { name: "user_id" }, others.map((m) => h("option", { value: m.user_id }, m.username))));
  const giveAway = h("form", { id: "give-away", "aria-label": "Give the list away" },
    heir.wrap, h("button", { type: "submit", class: "secondary" }, "Give the list away"));
  submitting(giveAway, { user_id: heir }, problem, async () => {
    try {
      await api("POST", `/lists/${list.id}/owner`, { user_id: heir.input.value });
    } catch (error) {
      if (error.status === 422) throw error;
      return failed(problem)(error);
    }
    announce("The list has a new owner; you are an editor now.");
    go(`/app/list?id=${list.id}`);
  });
  const remove = h("button", { type: "button", class: "danger", id: "delete-list", onclick: () => {
    const keep = h("button", { type: "button", class: "secondary", onclick: () => fill(slot, remove) }, "Keep");
    const yes = h("button", { type: "button", class: "danger", id: "confirm-delete-list", onclick: async () => {
      try {
        await api("DELETE", `/lists/${list.id}`);
        backToLists(`Deleted “${list.name}” with its tasks.`);
      } catch (error) {
        failed(problem)(error);
      }
    } }, "Delete");
    fill(slot, h("span", { class: "confirm", role: "group", "aria-label": "Confirm delete" },
      "Delete the list and every task in it?", yes, keep));
    keep.focus();
  } }, "Delete the list");
  const slot = h("div", { class: "buttons" }, remove);
  return h("section", { class: "card", "aria-labelledby": "owner-heading" },
    h("h2", { id: "owner-heading" }, "The list itself"),
    list.is_default ? h("p", { class: "muted" }, "Your default list cannot be given away or deleted.") : [others.length ? giveAway : null, slot],
    problem);
}

function leaveSection(list, me, failed) {
  const problem = messageBox();
  return h("section", { class: "card" },
    h("button", { type: "button", class: "secondary", id: "leave-list", onclick: async () => {
      try {
        await api("DELETE", `/lists/${list.id}/members/${me.id}`);
        backToLists(`You left “${list.name}”.`);
      } catch (error) {
        failed(problem)(error);
      }
    } }, "Leave this list"), problem);
}
