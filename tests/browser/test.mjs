// test.mjs: the browser test of `lemma html` (run by tests/browser.sh).
//   node test.mjs SITE_DIR SHOT_DIR
// Drives Debian's headless chromium through playwright-core over a site
// written from a real proof database, from file://: types in the index's
// search box and checks the filtering, clicks through to a theorem, hovers a
// step and checks that the steps it depends on are highlighted, expands a
// collapsed sub-proof, follows a "used by" link.  Screenshots go to
// SHOT_DIR.  Exit 0 passed, 1 failed.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [site, shots] = process.argv.slice(2).map((p) => resolve(p));
const profile = mkdtempSync(join(tmpdir(), "lemma-chromium-"));
let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = ctx.pages()[0] || (await ctx.newPage());
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // no request may leave the file system
  const remote = [];
  page.on("request", (r) => { if (!r.url().startsWith("file:")) remote.push(r.url()); });

  await page.goto(pathToFileURL(join(site, "index.html")).href);
  const all = await page.locator("li.thm").count();
  check(all === 3, `index lists 3 theorems (${all})`);
  check((await page.locator(".shown").textContent()).includes(`${all} of ${all}`),
        "index shows the count");

  // search: "i0 + a = a" matches T1 only; a word no theorem has matches none
  await page.locator("#search").pressSequentially("i0 + a");
  let visible = await page.locator("li.thm:visible").count();
  check(visible === 1, `typing 'i0 + a' leaves 1 theorem (${visible})`);
  check((await page.locator("li.thm:visible .name").textContent()) === "T1",
        "the one left is T1");
  check((await page.locator(".shown").textContent()).startsWith("1 of"), "count follows");
  await page.screenshot({ path: join(shots, "index-filtered.png"), fullPage: true });
  await page.locator("#search").fill("nosuchthingzz");
  visible = await page.locator("li.thm:visible").count();
  check(visible === 0, `a word no theorem has leaves none (${visible})`);
  await page.locator("#search").fill("");
  visible = await page.locator("li.thm:visible").count();
  check(visible === all, "clearing the box shows all again");

  // click through to T1
  await page.locator("li.thm .name", { hasText: "T1" }).click();
  await page.waitForURL(/t1\.html$/);
  check((await page.locator("h1").textContent()) === "T1", "clicked through to T1");

  // hover the last step (the final intro): its premises, transitively, light up
  const last = page.locator(".blk.root > .run > .step").last();
  const prem = (await last.getAttribute("data-p")).split(" ");
  await last.hover();
  await page.waitForTimeout(200); // the highlight waits for the pointer to rest
  check(await last.evaluate((e) => e.classList.contains("cur")), "hovered step marked");
  for (const p of prem) {
    const cls = await page.locator(`#s${p}`).getAttribute("class");
    check(/\bdep\b/.test(cls), `premise s${p} highlighted`);
  }
  // the whole chain: every highlighted step's premises are highlighted too
  const chainOk = await page.evaluate(() => {
    const lit = [...document.querySelectorAll(".step.dep, .step.cur")];
    return lit.length > 1 && lit.every((s) => (s.dataset.p || "").split(" ")
      .filter(Boolean).every((n) => document.getElementById("s" + n).classList.contains("dep")));
  });
  check(chainOk, "the dependency chain is closed under premises");
  const depCount = await page.locator(".step.dep").count();
  check(depCount > prem.length, `highlight reaches beyond direct premises (${depCount})`);
  await page.screenshot({ path: join(shots, "theorem-hover.png") });
  await page.mouse.move(5, 5);
  await page.waitForTimeout(200);
  check((await page.locator(".step.dep").count()) === 0, "leaving clears the highlight");

  // sub-proofs start collapsed; expanding one shows its steps
  const sub = page.locator("details.sub").first();
  check(!(await sub.evaluate((d) => d.open)), "sub-proof collapsed by default");
  const inner = sub.locator(":scope > .blk > .run > .step").first();
  check(!(await inner.isVisible()), "its steps hidden");
  await sub.locator("summary").first().click();
  check(await sub.evaluate((d) => d.open), "sub-proof expands on click");
  check(await inner.isVisible(), "its steps visible");
  await page.screenshot({ path: join(shots, "theorem-expanded.png"), fullPage: true });

  // a premise link into a collapsed sub-proof opens it
  await page.goto(pathToFileURL(join(site, "t1.html")).href);
  const hidden = await page.evaluate(() => {
    const s = document.querySelector("details.sub:not([open]) details.sub .step");
    return s ? s.id : null;
  });
  if (hidden) {
    await page.goto(pathToFileURL(join(site, "t1.html")).href + "#" + hidden);
    check(await page.locator(`#${hidden}`).isVisible(), `link to nested ${hidden} opens its sub-proofs`);
  }

  // rule tag goes to the rule reference
  await page.locator('.step a[href^="rules.html"]').first().click();
  await page.waitForURL(/rules\.html#rule-/);
  check(await page.locator("section.rule:target").isVisible(), "rule tag lands on the rule");

  // used by: T1 is used by T3; follow the link
  await page.goto(pathToFileURL(join(site, "t1.html")).href);
  const ub = page.locator(".usedby a.ub");
  check((await ub.count()) >= 1, "T1 has a used-by link");
  await ub.first().click();
  await page.waitForURL(/t3\.html$/);
  check((await page.locator("h1").textContent()) === "T3", "used-by link leads to T3");
  check((await page.locator(".step a.ref[href='t1.html']").count()) >= 1,
        "T3 cites T1 in a step");
  await page.screenshot({ path: join(shots, "theorem-t3.png") });

  check(errors.length === 0, `no script errors ${errors.join("; ")}`);
  check(remote.length === 0, `no network requests ${remote.join(" ")}`);
} finally {
  await ctx.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`browser: ${failures ? "FAILED" : "passed"} (${failures} failures)`);
process.exit(failures ? 1 : 0);
