/* The offline API reference: Swagger UI from the swagger-ui-bundle package, on /openapi.json.
   validatorUrl null: Swagger UI would otherwise send the schema to an online validator. */
window.addEventListener("load", function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi"),
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
