// The query page: YASGUI (vendored in /static/yasgui/) on this server's /sparql endpoint, and
// the query library one click away. Nothing is fetched from another host: the endpoint list
// holds only this endpoint, and only the autocompleters that work offline are on (the class
// and property completers ask a remote vocabulary service).
(function () {
  "use strict";
  var endpoint = new URL("/sparql", window.location.href).toString();
  var library = JSON.parse(document.getElementById("library-data").textContent);
  var status = document.getElementById("loaded-query");

  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  // Result tables show IRIs with the graph's prefixes (id:organization/gcim), as `migkg query` does.
  Yasgui.Yasr.defaults.prefixes = JSON.parse(document.getElementById("prefix-data").textContent);
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false
  });

  function load(name) {
    if (!Object.prototype.hasOwnProperty.call(library, name)) {
      status.textContent = "No query named " + name + " in the library.";
      return;
    }
    var tab = yasgui.getTab();
    tab.setEndpoint(endpoint);
    tab.setQuery(library[name]);
    tab.setName(name);
    status.textContent = "Loaded " + name + ".rq — press ▶ to run it.";
    document.querySelectorAll("button.library-query").forEach(function (button) {
      button.classList.toggle("active", button.dataset.name === name);
    });
  }

  document.querySelectorAll("button.library-query").forEach(function (button) {
    button.addEventListener("click", function () { load(button.dataset.name); });
  });

  var requested = new URLSearchParams(window.location.search).get("library");
  if (requested) { load(requested); }
  window.migkgYasgui = yasgui;
})();
