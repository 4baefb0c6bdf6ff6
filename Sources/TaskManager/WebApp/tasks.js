// The task list: newest first, more on demand through the cursor, the list and the filters kept in
// the address, create, inline edit, mark done, delete after a confirmation. A viewer's tasks show
// no control that would change them; a list that stops being shared takes the user back to their
// lists, saying why.
//
// The tasks come first: a one-line quick add (the other fields behind "More"), the search with the
// other filters behind "Filters", then the tasks; the lists are a side column from 900 px wide
// (a menu above the tasks below that).
//
// Live: the changes made elsewhere come as events (live.js) and change the rows they are about —
// a task appears where the order puts it when it passes the filters, changes in place, leaves when
// it no longer does; a renamed list is renamed here; a role changed, a list joined or lost draws the
// screen again (a list lost while shown: back to the lists, saying why). Events that come while a
// page loads are applied after it (each is the task's whole state, so applying one twice is harmless).
import { activityPanel, describe } from "./activity.js";
import { api } from "./api.js";
import { go } from "./app.js";
import { announce, childWithID, field, fill, h, messageBox, redrawKeeping } from "./dom.js";
import { allLists, backToLists, goneReason, roleNames } from "./lists.js";
import { myID, watchFromNow } from "./live.js";
import { createForm, filterBar, filterNames, passes } from "./task-forms.js";
import { removeItem, taskItem } from "./task-item.js";

const PAGE = 20;

/** The `GET /tasks` query for a page of the shown list with the address's filters. */
function pageQuery(filters, listID, cursor) {
  const query = new URLSearchParams();
  if (listID) query.set("list_id", listID);
  for (const name of filterNames) if (filters.get(name)) query.set(name, filters.get(name));
  query.set("limit", PAGE);
  if (cursor) query.set("cursor", cursor);
  return "/tasks?" + query;
}

/** Said at the top of the screen when it is next drawn (a list of all of them lost, say). */
let noticeToShow = "";

export async function tasksScreen(main) {
  const watch = watchFromNow();
  const filters = new URLSearchParams(location.search);
  const listID = filters.get("list");
  // The first page and the lists (for the roles) in one round, not one after the other.
  let firstPage = api("GET", pageQuery(filters, listID, null)).catch((error) => error);
  let lists;
  try {
    lists = await allLists();
  } catch (error) {
    const problem = messageBox();
    fill(main, h("h1", { id: "tasks-heading" }, "Tasks"), problem);
    return problem.show(error.message);
  }
  const notice = noticeToShow;
  noticeToShow = "";
  const byID = new Map(lists.map((list) => [list.id, list]));
  const current = listID ? byID.get(listID) : null;
  if (listID && !current) return backToLists("That list is not shared with you any more.");
  /** A refusal that means the list is gone for this user: back to their lists. */
  const lost = (error, list = current) => {
    if (error.status !== 404 || !list) return false;
    backToLists(`You are no longer a member of “${list.name}”.`);
    return true;
  };
  const context = { byID, showList: !current, lost };
  const list = h("ul", { id: "task-list", class: "tasks", "aria-labelledby": "tasks-heading" });
  const status = h("p", { id: "list-status", class: "muted", role: "status" });
  const listProblem = messageBox();
  const more = h("button", { type: "button", id: "more", class: "secondary", hidden: true }, "More tasks");
  let cursor = null;
  let loading = 0;
  const held = []; // the events that came while a page was loading

  async function load(reset) {
    loading += 1;
    listProblem.show("");
    more.disabled = true;
    try {
      const early = firstPage;
      firstPage = null;
      const page = early ? await early : await api("GET", pageQuery(filters, listID, reset ? null : cursor));
      if (page instanceof Error) throw page;
      if (reset) list.replaceChildren();
      for (const task of page.items) {
        const shown = childWithID(list, task.id); // put there by an event meanwhile
        if (shown) shown.update(task);
        else list.append(taskItem(task, context));
      }
      cursor = page.next_cursor;
      more.hidden = !cursor || page.items.length === 0;
      count();
    } catch (error) {
      if (!lost(error)) listProblem.show(error.message);
    } finally {
      more.disabled = false;
      loading -= 1;
      if (!loading) for (const event of held.splice(0)) apply(event);
    }
  }
  function count() {
    const shown = list.children.length;
    status.textContent = shown === 0 ? (filtered() ? "No tasks match these filters." : "No tasks yet: add the first one above.")
      : `${shown} task${shown === 1 ? "" : "s"} shown${more.hidden ? "" : "; there are more"}.`;
  }
  list.addEventListener("listchange", count);
  more.addEventListener("click", async () => {
    const before = list.children.length;
    await load(false);
    // The first of the new tasks gets the focus, so that the keyboard goes on from there.
    list.children[before]?.querySelector("input")?.focus();
  });

  const filtered = () => filterNames.some((name) => filters.get(name));
  const filterForm = filterBar(filters, () => {
    history.pushState(null, "", "/app" + (filters.toString() ? "?" + filters : ""));
    load(true);
  });

  let activity = null;
  const activityToggle = current ? h("button", { type: "button", class: "secondary", id: "activity-toggle",
    "aria-controls": "activity", "aria-expanded": "false" }, "Activity") : null;
  const heading = h("h1", { id: "tasks-heading" }, current ? current.name : "Tasks");
  let side = sideLists(lists, current);
  let bar = listBar(lists, current, activityToggle);
  const head = h("div", { class: "tasks-head" }, heading, bar);
  activityToggle?.addEventListener("click", () => {
    if (activity) activity.element.hidden = !activity.element.hidden;
    else head.after((activity = activityPanel(current.id)).element);
    activityToggle.setAttribute("aria-expanded", String(!activity.element.hidden));
  });

  const writable = lists.filter((list) => list.role !== "viewer");
  const mayAdd = current ? current.role !== "viewer" : writable.length > 0;
  fill(main,
    h("div", { class: "tasks-layout" },
      side,
      h("div", { class: "tasks-column" },
        head,
        notice ? h("p", { class: "notice", role: "status", id: "tasks-notice" }, notice) : null,
        mayAdd
          ? createForm(current ? null : writable, current, (task) => {
            const shown = childWithID(list, task.id); // its event came first
            if (shown) shown.update(task);
            else list.prepend(taskItem(task, context));
            count();
            announce(`Added “${task.title}”.`);
          }, lost)
          : h("p", { class: "muted", id: "read-only" }, `You are a viewer of this list: you can read its tasks, not change them.`),
        filterForm, listProblem, list, more, status)));
  load(true);
  watch.ready((event) => {
    activity?.add(event);
    if (loading) held.push(event);
    else apply(event);
  });

  function apply(event) {
    const me = myID();
    const member = event.member || {};
    const known = byID.get(event.list_id);
    switch (event.type) {
      case "task.created": case "task.updated": case "task.moved": case "task.deleted":
        return applyToTask(event);
      case "list.updated":
        return renamed(event.list);
      case "list.deleted":
        return gone(event, event.list.name);
      case "member.removed":
        return member.user_id === me && known && gone(event, known.name);
      case "member.added":
        return member.user_id === me && !known && drawAgain();
      case "member.updated":
        return member.user_id === me && known && known.role !== member.role && drawAgain();
    }
  }

  function applyToTask(event) {
    const task = event.task;
    const item = childWithID(list, task.id);
    const before = item ? item.task() : null;
    // A member of only the list a task left gets its id alone.
    const here = event.type !== "task.deleted" && task.title !== undefined && byID.has(event.list_id)
      && (!current || event.list_id === current.id);
    if (!here || !passes(task, filters)) {
      if (!item) return;
      // A row the user is editing stays while it is only the filters it no longer passes.
      if (here && item.busy()) return item.update(task);
      removeItem(item);
    } else if (!item) {
      if (!place(taskItem(task, context), task)) return;
    } else if (item.dataset.list !== task.list_id && !item.busy()) {
      item.replaceWith(taskItem(task, context)); // into another list shown here: its role may differ
    } else {
      item.update(task);
    }
    count();
    if (event.actor && event.actor.id !== myID()) {
      announce(describe(event, { me: myID(), before, listID: current ? current.id : null }) + ".");
    }
  }

  /** Puts a new row where `GET /tasks` would (newest first); not when it is older than every row
   *  shown and more are to come (it comes with them). */
  function place(item, task) {
    const time = Date.parse(task.created_at);
    for (const other of list.children) {
      const otherTime = Date.parse(other.dataset.created);
      if (otherTime < time || (otherTime === time && other.dataset.id < task.id)) {
        list.insertBefore(item, other);
        return true;
      }
    }
    if (cursor) return false;
    list.append(item);
    return true;
  }

  function renamed(changed) {
    const known = byID.get(changed.id);
    if (!known) return;
    if (known.role !== changed.role) return drawAgain();
    Object.assign(known, changed);
    side.replaceWith((side = sideLists(lists, current)));
    bar.replaceWith((bar = listBar(lists, current, activityToggle)));
    if (current === known) heading.textContent = known.name;
    else for (const item of list.children) if (item.dataset.list === known.id) item.refresh();
  }

  function gone(event, name) {
    const reason = goneReason(event, name);
    if (current && current.id === event.list_id) return backToLists(reason);
    if (!byID.has(event.list_id)) return;
    noticeToShow = reason;
    announce(reason);
    drawAgain();
  }

  function drawAgain() {
    if (watch.active()) redrawKeeping(main, tasksScreen);
  }
}

/** The lists beside the tasks (from 900 px wide): every list, or one, as links. */
function sideLists(lists, current) {
  const link = (text, href, here, role) => h("li", {},
    h("a", { href, "data-route": true, "aria-current": here ? "page" : null }, text, role ? h("span", { class: "muted" }, ` · ${role}`) : null));
  return h("nav", { class: "side-lists", "aria-label": "Your lists" },
    h("h2", {}, "Your lists"),
    h("ul", {},
      link("All my lists", "/app", !current),
      lists.map((list) => link(list.name, `/app?list=${list.id}`, current?.id === list.id, list.role === "owner" ? null : roleNames[list.role].toLowerCase()))),
    h("a", { href: "/app/lists", "data-route": true, class: "manage" }, "New list, sharing…"));
}

/** Which list is shown: every list, or one, kept in the address (a menu below 900 px wide); `extra`
 *  (the Activity button) beside it. */
function listBar(lists, current, extra) {
  const choice = h("select", { id: "list-switch", name: "list" },
    h("option", { value: "" }, "All my lists"),
    lists.map((list) => h("option", { value: list.id, selected: current?.id === list.id }, `${list.name} (${roleNames[list.role].toLowerCase()})`)));
  choice.addEventListener("change", () => go(choice.value ? `/app?list=${choice.value}` : "/app"));
  return h("div", { class: "list-bar" },
    field("List", choice).wrap,
    current ? h("a", { href: `/app/list?id=${current.id}`, "data-route": true, id: "list-members" },
      current.role === "owner" ? "Share this list" : "Members") : null,
    extra);
}
