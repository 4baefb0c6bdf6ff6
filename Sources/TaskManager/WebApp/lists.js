// Lists and sharing: the caller's lists with their role and the invitations to them (Accept,
// Decline); one list's page: rename, delete, members (the owner invites, changes roles, removes,
// withdraws invitations, gives the list away; a member leaves).
import { api } from "./api.js";
import { go } from "./app.js";
import { announce, field, fill, h, messageBox, submitting } from "./dom.js";

export const roleNames = { viewer: "Viewer", editor: "Editor", owner: "Owner" };

/** Every list of the caller, default first. */
export async function allLists() {
  let items = [];
  let cursor = null;
  do {
    const page = await api("GET", "/lists?limit=100" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    items = items.concat(page.items);
    cursor = page.items.length ? page.next_cursor : null;
  } while (cursor);
  return items;
}

let reasonToShow = "";

/** Back to the lists, saying why (a list that is no longer shared with the user, say). */
export function backToLists(reason) {
  reasonToShow = reason;
  go("/app/lists");
}

export function listsScreen(main) {
  const reason = reasonToShow;
  reasonToShow = "";
  const problem = messageBox();
  const invitations = h("section", { class: "card", id: "invitations", "aria-labelledby": "invitations-heading", hidden: true });
  const lists = h("ul", { id: "lists", class: "tasks", "aria-labelledby": "lists-heading" });
  fill(main,
    h("h1", { id: "lists-heading" }, "Lists"),
    reason ? h("p", { class: "notice", role: "status", id: "lists-reason" }, reason) : null,
    problem, invitations,
    createForm((list) => {
      lists.append(listItem(list));
      announce(`Made the list “${list.name}”.`);
    }),
    lists);
  load();

  async function load() {
    try {
      const [mine, waiting] = await Promise.all([allLists(), api("GET", "/me/invitations")]);
      fill(lists, mine.map(listItem));
      showInvitations(waiting.items);
    } catch (error) {
      problem.show(error.message);
    }
  }

  function showInvitations(items) {
    invitations.hidden = items.length === 0;
    fill(invitations,
      h("h2", { id: "invitations-heading" }, "Invitations to you"),
      h("ul", { class: "tasks" }, items.map(invitationItem)));
  }

  function invitationItem(invitation) {
    const problem = messageBox();
    const what = `${invitation.list.name}`;
    const item = h("li", { class: "task invitation", "data-id": invitation.id },
      h("div", { class: "task-body" },
        h("p", { class: "title" }, what),
        h("p", { class: "meta" }, `${invitation.invited_by.username} invites you as ${invitation.role}`)),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "accept", "aria-label": `Accept the invitation to ${what}`, onclick: async () => {
          try {
            const joined = await api("POST", `/me/invitations/${invitation.id}/accept`);
            announce(`You joined “${joined.name}”.`);
            go(`/app?list=${joined.id}`);
          } catch (error) {
            problem.show(error.message);
          }
        } }, "Accept"),
        h("button", { type: "button", class: "secondary decline", "aria-label": `Decline the invitation to ${what}`, onclick: async () => {
          try {
            await api("DELETE", `/me/invitations/${invitation.id}`);
            item.remove();
            invitations.hidden = !invitations.querySelector("li");
            announce(`Declined the invitation to “${what}”.`);
          } catch (error) {
            problem.show(error.message);
          }
        } }, "Decline")),
      problem);
    return item;
  }
}

function createForm(made) {
  const name = field("Name", h("input", { name: "name", required: true, maxlength: 100, autocomplete: "off" }));
  const problem = messageBox();
  const form = h("form", { class: "card create", id: "new-list", "aria-labelledby": "new-list-heading" },
    h("h2", { id: "new-list-heading" }, "New list"), name.wrap, h("button", { type: "submit" }, "Make the list"), problem);
  submitting(form, { name }, problem, async () => {
    made(await api("POST", "/lists", { name: name.input.value }));
    form.reset();
    name.input.focus();
  });
  return form;
}

function listItem(list) {
  const people = `${list.member_count} member${list.member_count === 1 ? "" : "s"}`;
  return h("li", { class: "task list-item", "data-id": list.id },
    h("div", { class: "task-body" },
      h("p", { class: "title" }, h("a", { href: `/app?list=${list.id}`, "data-route": true }, list.name)),
      h("p", { class: "meta" },
        h("span", { class: `role ${list.role}` }, roleNames[list.role]),
        list.is_default ? "your default list · " : "",
        list.role === "owner" ? people : `${list.owner.username}'s · ${people}`)),
    h("div", { class: "actions" },
      h("a", { href: `/app/list?id=${list.id}`, "data-route": true, class: "button secondary", "aria-label": `Members of ${list.name}` },
        list.role === "owner" ? "Share" : "Members")));
}

/** One list: its name, its members and, for its owner, sharing. */
export async function listScreen(main) {
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

  fill(main,
    h("h1", { id: "list-heading" }, list.name),
    h("p", { class: "meta" }, h("span", { class: `role ${list.role}` }, roleNames[list.role]),
      `owner ${list.owner.username} · `, h("a", { href: `/app?list=${list.id}`, "data-route": true }, "Open its tasks")),
    problem,
    owner ? renameForm(list, failed, again) : null,
    membersSection(list, members.items, me, owner, failed, again),
    owner ? inviteSection(list, pending, failed, again) : null,
    owner ? dangerSection(list, members.items, me, failed) : leaveSection(list, me, failed));
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
