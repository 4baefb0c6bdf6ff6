extension DocsPages {
    /// `/docs/cdn-check.js`: in CDN mode, right after the CDN's script tag (scripts run in order, so
    /// the CDN's has run or failed by then), this says on the page what to do when it did not load —
    /// offline, or the CDN blocked — instead of leaving it blank. Its tag names the library, the
    /// global the library defines, the URL and the folder this server looks in for fetched files
    /// (`data-library`, `data-global`, `data-url`, `data-folder`: absent without HOME). Text goes
    /// in as text (`textContent`, text nodes); the styles through the CSSOM, which no policy blocks.
    static let cdnCheckScript = """
        "use strict";
        (function () {
          var tag = document.currentScript;
          if (!tag || typeof window[tag.dataset.global] !== "undefined") return;
          var library = tag.dataset.library;
          var url = tag.dataset.url;
          var host = new URL(url).host;

          function element(name, parts) {
            var node = document.createElement(name);
            parts.forEach(function (part) {
              node.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
            });
            return node;
          }
          function code(text) {
            var node = document.createElement("code");
            node.textContent = text;
            return node;
          }
          var link = document.createElement("a");
          link.href = "/openapi.json";
          link.textContent = "/openapi.json";

          var box = element("section", [
            element("h1", [library + " did not load"]),
            element("p", [
              "This page needs " + library + " from the CDN " + host + " (" + url + "), which did not load: "
                + "this browser may be offline, or " + host + " blocked."
            ]),
            element("p", ["To have the server serve the files itself, with no internet needed, on the server's machine:"]),
            element("ul", (tag.dataset.folder ? [
              element("li", [
                "run ", code("scripts/fetch-docs-assets " + tag.dataset.folder), " (in the TaskManager repository) and "
                  + "restart the server: this server looks for the files in ", code(tag.dataset.folder), " by itself;"
              ])
            ] : []).concat([
              element("li", [
                "or run ", code("scripts/fetch-docs-assets DIR"), " and start the server with ", code("--docs-assets DIR"),
                " (or ", code("TASKMANAGER_DOCS_ASSETS=DIR"), ")."
              ])
            ])),
            element("p", ["The OpenAPI document itself is at ", link, "."])
          ]);
          box.id = "docs-unavailable";
          box.setAttribute("role", "alert");
          box.style.maxWidth = "48em";
          box.style.margin = "2em auto";
          box.style.padding = "0 1em";
          box.style.fontFamily = "system-ui, sans-serif";
          box.style.lineHeight = "1.5";
          document.body.insertBefore(box, document.body.firstChild);
        })();

        """
}
