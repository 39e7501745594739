/* The API's interactive documentation: Swagger UI configured from the page's data- attributes
   (no inline script may run under the portal's Content-Security-Policy). */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    // Nothing leaves the portal: no call to the public validator, and the token typed into
    // "Authorize" stays in this page's memory (not in localStorage).
    validatorUrl: null,
    persistAuthorization: false,
  });
})();
