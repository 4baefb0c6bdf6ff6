// The task list: newest first, more on demand through the cursor, filters kept in the address,
// create, inline edit, mark done, delete after a confirmation.
import { api } from "./api.js";
import { announce, field, fill, h, messageBox, submitting } from "./dom.js";

const PAGE = 20;
const priorities = ["low", "normal", "high"];
const filterNames = ["done", "priority", "q", "due_before"];

function prioritySelect(name, value, any) {
  return h("select", { name },
    any ? h("option", { value: "" }, "Any") : null,
    priorities.map((p) => h("option", { value: p, selected: p === value }, p[0].toUpperCase() + p.slice(1))));
}

export function tasksScreen(main) {
  const filters = new URLSearchParams(location.search);
  const list = h("ul", { id: "task-list", class: "tasks", "aria-labelledby": "tasks-heading" });
  const status = h("p", { id: "list-status", class: "muted", role: "status" });
  const listProblem = messageBox();
  const more = h("button", { type: "button", id: "more", class: "secondary", hidden: true }, "More tasks");
  let cursor = null;

  async function load(reset) {
    listProblem.show("");
    const query = new URLSearchParams();
    for (const name of filterNames) if (filters.get(name)) query.set(name, filters.get(name));
    query.set("limit", PAGE);
    if (!reset && cursor) query.set("cursor", cursor);
    more.disabled = true;
    try {
      const page = await api("GET", "/tasks?" + query);
      if (reset) list.replaceChildren();
      for (const task of page.items) list.append(taskItem(task));
      cursor = page.next_cursor;
      more.hidden = !cursor || page.items.length === 0;
      count();
    } catch (error) {
      listProblem.show(error.message);
    } finally {
      more.disabled = false;
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

  fill(main,
    h("h1", { id: "tasks-heading" }, "Tasks"),
    createForm((task) => {
      list.prepend(taskItem(task));
      count();
      announce(`Added “${task.title}”.`);
    }),
    filterForm, listProblem, status, list, more);
  load(true);
}

function filterBar(filters, apply) {
  const done = h("select", { name: "done" },
    h("option", { value: "" }, "All"), h("option", { value: "false", selected: filters.get("done") === "false" }, "Not done"),
    h("option", { value: "true", selected: filters.get("done") === "true" }, "Done"));
  const items = {
    done: field("Show", done),
    priority: field("Priority", prioritySelect("priority", filters.get("priority"), true)),
    q: field("Title contains", h("input", { name: "q", type: "search", value: filters.get("q") || "", maxlength: 200 })),
    due_before: field("Due before", h("input", { name: "due_before", type: "date", value: filters.get("due_before") || "" })),
  };
  const form = h("form", { class: "filters", role: "search", "aria-label": "Filter tasks", id: "filters" },
    Object.values(items).map((item) => item.wrap),
    h("div", { class: "buttons" },
      h("button", { type: "submit", class: "secondary" }, "Apply"),
      h("button", { type: "button", class: "link", id: "clear-filters", onclick: () => {
        for (const [name, item] of Object.entries(items)) item.input.value = "";
        form.requestSubmit();
      } }, "Clear")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    for (const [name, item] of Object.entries(items)) {
      if (item.input.value) filters.set(name, item.input.value.trim());
      else filters.delete(name);
    }
    apply();
  });
  return form;
}

function taskFields(task = {}) {
  return {
    title: field("Title", h("input", { name: "title", value: task.title || "", required: true, maxlength: 200, autocomplete: "off" })),
    priority: field("Priority", prioritySelect("priority", task.priority || "normal", false)),
    due_date: field("Due date", h("input", { name: "due_date", type: "date", value: task.due_date || "" })),
    description: field("Description", h("textarea", { name: "description", rows: 2, maxlength: 10000, value: task.description || "" })),
  };
}

function createForm(added) {
  const items = taskFields();
  const problem = messageBox();
  const form = h("form", { class: "card create", id: "new-task", "aria-labelledby": "new-task-heading" },
    h("h2", { id: "new-task-heading" }, "New task"),
    h("div", { class: "row" }, items.title.wrap, items.priority.wrap, items.due_date.wrap),
    items.description.wrap,
    h("button", { type: "submit" }, "Add task"), problem);
  submitting(form, items, problem, async () => {
    const body = { title: items.title.input.value, priority: items.priority.input.value, description: items.description.input.value };
    if (items.due_date.input.value) body.due_date = items.due_date.input.value;
    const task = await api("POST", "/tasks", body);
    form.reset();
    added(task);
    items.title.input.focus();
  });
  return form;
}

function taskItem(task) {
  const item = h("li", { class: "task", "data-id": task.id });
  view();
  return item;

  function view(focus) {
    const problem = messageBox();
    const done = h("input", { type: "checkbox", class: "done", checked: task.done, "aria-label": `Done: ${task.title}` });
    done.addEventListener("change", async () => {
      try {
        task = await api("PATCH", `/tasks/${task.id}`, { done: done.checked });
        item.classList.toggle("is-done", task.done);
        announce(task.done ? `“${task.title}” is done.` : `“${task.title}” is not done.`);
      } catch (error) {
        done.checked = task.done;
        problem.show(error.message);
      }
    });
    const edit = h("button", { type: "button", class: "secondary edit", "aria-label": `Edit ${task.title}`, onclick: editor }, "Edit");
    const remove = h("button", { type: "button", class: "secondary delete", "aria-label": `Delete ${task.title}`, onclick: confirmDelete }, "Delete");
    const actions = h("div", { class: "actions" }, edit, remove);
    item.classList.toggle("is-done", task.done);
    fill(item, done,
      h("div", { class: "task-body" },
        h("p", { class: "title" }, task.title),
        task.description ? h("p", { class: "description" }, task.description) : null,
        h("p", { class: "meta" },
          h("span", { class: `priority ${task.priority}` }, task.priority),
          task.due_date ? h("span", { class: "due" }, "due ", h("time", { datetime: task.due_date }, task.due_date)) : null)),
      actions, problem);
    if (focus === "edit") edit.focus();

    function confirmDelete() {
      const keep = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Keep");
      const yes = h("button", { type: "button", class: "danger confirm-delete", onclick: async () => {
        try {
          await api("DELETE", `/tasks/${task.id}`);
          const next = item.nextElementSibling || item.previousElementSibling, list = item.parentElement;
          item.remove();
          list.dispatchEvent(new Event("listchange"));
          announce(`Deleted “${task.title}”.`);
          (next?.querySelector("input") || document.getElementById("tasks-heading")).focus();
        } catch (error) {
          problem.show(error.message);
        }
      } }, "Delete");
      const group = h("span", { class: "confirm", role: "group", "aria-label": "Confirm delete" }, "Delete this task?", yes, keep);
      group.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
      fill(actions, group);
      keep.focus();
    }
  }

  function editor() {
    const items = taskFields(task);
    const problem = messageBox();
    const cancel = h("button", { type: "button", class: "secondary", onclick: () => view("edit") }, "Cancel");
    const form = h("form", { class: "edit-form", "aria-label": `Edit ${task.title}` },
      items.title.wrap, h("div", { class: "row" }, items.priority.wrap, items.due_date.wrap), items.description.wrap,
      h("div", { class: "buttons" }, h("button", { type: "submit" }, "Save"), cancel), problem);
    form.addEventListener("keydown", (event) => event.key === "Escape" && view("edit"));
    submitting(form, items, problem, async () => {
      // Only what changed; an emptied due date clears it.
      const change = {};
      for (const name of ["title", "priority", "description"]) {
        if (items[name].input.value !== (task[name] ?? "")) change[name] = items[name].input.value;
      }
      const due = items.due_date.input.value || null;
      if (due !== (task.due_date ?? null)) change.due_date = due;
      if (Object.keys(change).length) task = await api("PATCH", `/tasks/${task.id}`, change);
      view("edit");
      announce(`Saved “${task.title}”.`);
    });
    fill(item, form);
    items.title.input.focus();
  }
}
