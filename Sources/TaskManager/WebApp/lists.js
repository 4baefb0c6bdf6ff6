// The caller's lists with their role, and the invitations to them (Accept, Decline); kept up with
// the changes made elsewhere (live.js): loaded again after an event about a list, an invitation
// shown as it comes, a list lost said in words. One list's page is sharing.js.
import { api } from "./api.js";
import { go } from "./app.js";
import { announce, childWithID, field, fill, h, messageBox, submitting } from "./dom.js";
import { afterBurst, myID, watchFromNow } from "./live.js";

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

/** Why a list is gone for the user, from the event that took it away (`list.deleted`, or their own
 *  `member.removed`). */
export function goneReason(event, name) {
  const mine = event.actor && event.actor.id === myID();
  if (event.type === "list.deleted") return mine ? `Deleted “${name}” with its tasks.` : `“${name}” was deleted.`;
  return mine ? `You left “${name}”.` : `You are no longer a member of “${name}”.`;
}

export function listsScreen(main) {
  const watch = watchFromNow();
  const reason = h("p", { class: "notice", role: "status", id: "lists-reason", hidden: !reasonToShow }, reasonToShow);
  reasonToShow = "";
  const problem = messageBox();
  const invitations = h("section", { class: "card", id: "invitations", "aria-labelledby": "invitations-heading", hidden: true });
  const lists = h("ul", { id: "lists", class: "tasks", "aria-labelledby": "lists-heading" });
  fill(main,
    h("h1", { id: "lists-heading" }, "Lists"),
    reason, problem, invitations,
    createForm((list) => {
      childWithID(lists, list.id)?.remove(); // loaded meanwhile
      lists.append(listItem(list));
      announce(`Made the list “${list.name}”.`);
    }),
    lists);
  let loads = 0;
  const loadSoon = afterBurst(() => watch.active() && load());
  load();
  watch.ready((event) => {
    if (event.type.startsWith("task.")) return; // nothing here counts tasks
    const row = childWithID(lists, event.list_id);
    if (row && (event.type === "list.deleted" || (event.type === "member.removed" && event.member.user_id === myID()))) {
      reason.textContent = goneReason(event, row.querySelector(".title").textContent);
      reason.hidden = false;
      row.remove();
    }
    loadSoon();
  });

  async function load() {
    const mine = ++loads;
    try {
      const [items, waiting] = await Promise.all([allLists(), api("GET", "/me/invitations")]);
      if (mine !== loads) return; // a later load is on its way
      fill(lists, items.map(listItem));
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
