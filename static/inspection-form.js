// Korgoo: the violations the law suggests, shown as the inspector types who
// was found (DESIGN §2: no work below 16; no hazardous work below 18 at a
// place on the government's list). A field the inspector has not typed into
// is filled with the suggestion and marked; whatever they type wins, and the
// save confirms it. Without this script the form works as before and the
// inspection's page lists the suggestions after saving.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggests]");
  if (!form) {
    return;
  }
  var bands = Array.prototype.slice.call(form.querySelectorAll("input[data-band]"));
  var ruled = Array.prototype.slice.call(form.querySelectorAll("input[data-rule]"));
  var live = document.getElementById("live-suggestions");

  function number(input) {
    var n = parseInt(input.value, 10);
    return isNaN(n) || n < 0 ? 0 : n;
  }

  function labelOf(input) {
    var label = form.querySelector("label[for='" + input.id + "']");
    return label ? label.textContent.trim() : input.name;
  }

  function suggest(fill) {
    var under16 = 0;
    var all = 0;
    bands.forEach(function (b) {
      var n = number(b);
      all += n;
      if (b.getAttribute("data-band") === "under16") {
        under16 += n;
      }
    });
    var named = [];
    ruled.forEach(function (input) {
      var n = input.getAttribute("data-rule") === "under16" ? under16 : all;
      var typed = input.value.trim();
      var untouched = typed === "" || typed === input.getAttribute("data-suggested");
      if (fill && untouched) {
        input.value = n > 0 ? String(n) : "";
        if (n > 0) {
          input.setAttribute("data-suggested", input.value);
          input.classList.add("suggested");
        } else {
          input.removeAttribute("data-suggested");
          input.classList.remove("suggested");
        }
      }
      if (n > 0) {
        named.push(labelOf(input) + " (" + n + ")");
      }
    });
    if (named.length > 0) {
      live.textContent = live.getAttribute("data-lead") + ": " + named.join(", ");
      live.hidden = false;
    } else {
      live.textContent = "";
      live.hidden = true;
    }
  }

  bands.forEach(function (b) {
    b.addEventListener("input", function () {
      suggest(true);
    });
  });
  ruled.forEach(function (input) {
    input.addEventListener("input", function () {
      if (input.value.trim() !== input.getAttribute("data-suggested")) {
        input.removeAttribute("data-suggested");
        input.classList.remove("suggested");
      }
    });
  });
  // On opening, say what the law suggests, but change no value kept.
  suggest(false);
})();
