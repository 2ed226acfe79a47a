// bigpage.mjs: how a very large theorem page behaves in chromium (a
// measurement, not part of make check; figures in bench/RESULTS.md).
//   node bigpage.mjs PAGE.html
// Prints the time to load the page, to open every sub-proof, to jump to the
// last step, to scroll through, and to compute the dependency highlight of
// the last step (hover), in ms.
import { chromium } from "playwright-core";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const url = pathToFileURL(resolve(process.argv[2])).href;
const b = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const p = await b.newPage({ viewport: { width: 1280, height: 900 } });
let t = Date.now();
await p.goto(url, { waitUntil: "load", timeout: 600000 });
const steps = await p.locator(".step").count();
console.log(`load: ${Date.now() - t} ms (${steps} step rows)`);
const ms = (f) => p.evaluate(f);
console.log("open all sub-proofs:", await ms(() => {
  const t0 = performance.now();
  document.querySelectorAll("details.sub").forEach((d) => (d.open = true));
  document.body.offsetHeight; // force layout
  return Math.round(performance.now() - t0) + " ms";
}));
console.log("jump to the last step:", await ms(() => {
  const t0 = performance.now();
  const all = document.querySelectorAll(".step");
  all[all.length - 1].scrollIntoView();
  document.body.offsetHeight;
  return Math.round(performance.now() - t0) + " ms";
}));
console.log("scroll 20 screens:", await ms(async () => {
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) {
    window.scrollBy(0, -800);
    await new Promise((r) => requestAnimationFrame(r));
  }
  return Math.round(performance.now() - t0) + " ms (" +
    Math.round((performance.now() - t0) / 20) + " ms a frame)";
}));
const last = p.locator(".step").last();
await last.scrollIntoViewIfNeeded();
t = Date.now();
await last.hover();
await p.waitForFunction(() => document.querySelector(".step.cur"));
const lit = await p.locator(".step.dep").count();
console.log(`hover the last step: ${Date.now() - t} ms (${lit} steps highlighted)`);
await b.close();
