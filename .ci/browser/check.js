// Opens pages of the built site in headless Chromium: no console errors, no failed requests,
// no serious or critical axe-core violations; writes a screenshot of each under target/browser/.
// Usage: node check.js SITE_DIR OUT_DIR page [page ...]
const path = require("path");
const fs = require("fs");
const { chromium } = require("playwright-core");

async function main() {
  const [site, outDir, ...pages] = process.argv.slice(2);
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failures = 0;
  let passed = 0;
  for (const page of pages) {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const tab = await ctx.newPage();
    const problems = [];
    tab.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
    tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    tab.on("requestfailed", (r) => problems.push(`failed request: ${r.url()} ${r.failure() && r.failure().errorText}`));
    tab.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    const url = site + "/" + page;
    await tab.goto(url, { waitUntil: "load" });
    await tab.evaluate(() => document.fonts.ready);
    await tab.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const result = await tab.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      if (v.impact === "serious" || v.impact === "critical") {
        problems.push(`axe ${v.impact}: ${v.id} (${v.help}) on ${v.nodes.length} element(s), e.g. ${v.nodes[0].target}`);
      }
    }
    const shot = path.join(outDir, page.replace(/[\/]/g, "_") + ".png");
    await tab.screenshot({ path: shot, fullPage: false });
    if (problems.length) {
      failures++;
      console.log(`FAIL ${page}`);
      for (const p of problems) console.log(`  ${p}`);
    } else {
      passed++;
      console.log(`ok   ${page} (axe: ${result.violations.length} minor/moderate findings; screenshot ${shot})`);
    }
    await ctx.close();
  }
  await browser.close();
  console.log(`browser: ${passed} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
