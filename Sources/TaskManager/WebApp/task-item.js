// One task's row: done, inline edit, delete after a confirmation. A viewer's rows show no control
// that would change them. A row takes newer data from elsewhere (`item.update(task)`) without
// taking away an open editor, a confirmation or the keyboard focus.
import { api } from "./api.js";
import { announce, field, fill, h, messageBox, submitting } from "./dom.js";

export const priorities = ["low", "normal", "high"];

export function prioritySelect(name, value, any) {
  return h("select", { name },
    any ? h("option", { value: "" }, "Any") : null,
    priorities.map((p) => h("option", { value: p, selected: p === value }, p[0].toUpperCase() + p.slice(1))));
}

export function taskFields(task = {}) {
  return {
    title: field("Title", h("input", { name: "title", value: task.title || "", required: true, maxlength: 200, autocomplete: "off" })),
    priority: field("Priority", prioritySelect("priority", task.priority || "normal", false)),
    due_date: field("Due date", h("input", { name: "due_date", type: "date", value: task.due_date || "" })),
    description: field("Description", h("textarea", { name: "description", rows: 2, maxlength: 10000, value: task.description || "" })),
  };
}

/** Takes a row away; the focus, when it was in the row, goes to the next one (or the heading). */
export function removeItem(item) {
  const list = item.parentElement;
  if (!list) return;
  const hadFocus = item.contains(document.activeElement);
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  list.dispatchEvent(new Event("listchange"));
  if (hadFocus) (next?.querySelector("input") || document.getElementById("tasks-heading")).focus();
}

/** What a row shows of a task: newer data that differs in none of them leaves the row as it is. */
const shownFields = ["title", "description", "done", "priority", "due_date", "list_id"];
const same = (a, b) => shownFields.every((name) => (a[name] ?? null) === (b[name] ?? null))
  && Date.parse(a.updated_at) === Date.parse(b.updated_at);
/** The controls that keep the focus when a row is drawn again. */
const focusable = ["input.done", "button.edit", "button.delete"];

/** The row of `task`: an <li> with `task()` (its data now), `update(task)` (newer data from
 *  elsewhere), `refresh()` (draw again, the list renamed) and `busy()` (the user is editing it or
 *  confirming its deletion). */
export function taskItem(task, { byID, showList, lost }) {
  const item = h("li", { class: "task", "data-id": task.id, "data-list": task.list_id, "data-created": task.created_at });
  let mode = "view"; // or "edit", "confirm": what the user is doing in the row
  /** A refusal: the list gone takes the user back to their lists; anything else is said here. */
  const refused = (problem) => (error) => lost(error, byID.get(task.list_id)) || problem.show(error.message);
  item.task = () => task;
  item.update = (next) => {
    if (same(next, task)) return;
    task = next;
    item.dataset.list = task.list_id;
    if (mode === "view") redraw();
  };
  item.refresh = () => mode === "view" && redraw();
  item.busy = () => mode !== "view";
  view();
  return item;

  /** Draws the row again, the focus staying on the control that had it. */
  function redraw() {
    const focused = focusable.find((css) => item.querySelector(css) === document.activeElement);
    view();
    if (focused) item.querySelector(focused)?.focus();
  }

  function view(focus) {
    mode = "view";
    const list = byID.get(task.list_id);
    const readOnly = !list || list.role === "viewer";
    const problem = messageBox();
    const done = h("input", { type: "checkbox", class: "done", checked: task.done, disabled: readOnly, "aria-label": `Done: ${task.title}` });
    done.addEventListener("change", async () => {
      try {
        const changed = await api("PATCH", `/tasks/${task.id}`, { done: done.checked });
        task = changed;
        item.classList.toggle("is-done", task.done);
        announce(task.done ? `“${task.title}” is done.` : `“${task.title}” is not done.`);
      } catch (error) {
        done.checked = task.done;
        refused(problem)(error);
      }
    });
    const edit = h("button", { type: "button", class: "secondary edit", "aria-label": `Edit ${task.title}`, onclick: editor }, "Edit");
    const remove = h("button", { type: "button", class: "secondary delete", "aria-label": `Delete ${task.title}`, onclick: confirmDelete }, "Delete");
    const actions = readOnly ? null : h("div", { class: "actions" }, edit, remove);
    item.classList.toggle("is-done", task.done);
    fill(item, done,
      h("div", { class: "task-body" },
        h("p", { class: "title" }, task.title),
        task.description ? h("p", { class: "description" }, task.description) : null,
        h("p", { class: "meta" },
          h("span", { class: `priority ${task.priority}` }, task.priority),
          task.due_date ? h("span", { class: "due" }, "due ", h("time", { datetime: task.due_date }, task.due_date)) : null,
          showList && list ? h("span", { class: "in-list" }, ` · ${list.name}`) : null)),
      actions, problem);
    if (focus === "edit") edit.focus();

    function confirmDelete() {
      mode = "confirm";
      const keep = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Keep");
      const yes = h("button", { type: "button", class: "danger confirm-delete", onclick: async () => {
        try {
          await api("DELETE", `/tasks/${task.id}`);
          removeItem(item);
          announce(`Deleted “${task.title}”.`);
        } catch (error) {
          refused(problem)(error);
        }
      } }, "Delete");
      const group = h("span", { class: "confirm", role: "group", "aria-label": "Confirm delete" }, "Delete this task?", yes, keep);
      group.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
      fill(actions, group);
      keep.focus();
    }
  }

  function editor() {
    mode = "edit";
    const shown = task; // what the fields start from: only what the user changes is sent
    const items = taskFields(task);
    const problem = messageBox();
    const cancel = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Cancel");
    const form = h("form", { class: "edit-form", "aria-label": `Edit ${task.title}` },
      items.title.wrap, h("div", { class: "row" }, items.priority.wrap, items.due_date.wrap), items.description.wrap,
      h("div", { class: "buttons" }, h("button", { type: "submit" }, "Save"), cancel), problem);
    form.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
    submitting(form, items, problem, async () => {
      // Only what the user changed (a change made elsewhere meanwhile stays); an emptied due date
      // clears it.
      const change = {};
      for (const name of ["title", "priority", "description"]) {
        if (items[name].input.value !== (shown[name] ?? "")) change[name] = items[name].input.value;
      }
      const due = items.due_date.input.value || null;
      if (due !== (shown.due_date ?? null)) change.due_date = due;
      if (Object.keys(change).length) {
        try {
          task = await api("PATCH", `/tasks/${task.id}`, change);
        } catch (error) {
          if (lost(error, byID.get(task.list_id))) return;
          throw error;
        }
      }
      view("edit");
      announce(`Saved “${task.title}”.`);
    });
    fill(item, form);
    items.title.input.focus();
  }
}
