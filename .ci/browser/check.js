// Opens pages of the built site in headless Chromium and fails on: console errors, failed
// requests, any axe-core violation (all rules, best practice included), horizontal scrolling at
// 320 CSS px (WCAG 1.4.10 reflow), and — for the pages given with --print — a printed A4 PDF
// whose text lacks a column header of a printed table. Screenshots and PDFs go to OUT_DIR.
// Usage: node check.js SITE_URL OUT_DIR [--print page,page] page [page ...]
const path = require("path");
const fs = require("fs");
const { spawnSync } = require("child_process");
const { chromium } = require("playwright-core");

function squash(s) {
  // Compare without whitespace, soft hyphens or line-break hyphens: print may wrap a header.
  return s.replace(/\u00ad/g, "").replace(/-\s*\n/g, "-").replace(/\s+/g, "");
}

async function main() {
  const args = process.argv.slice(2);
  const [site, outDir] = args;
  let rest = args.slice(2);
  let print = [];
  if (rest[0] === "--print") {
    print = rest[1].split(",");
    rest = rest.slice(2);
  }
  const pages = rest;
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  let failures = 0;
  let passed = 0;
  for (const page of pages) {
    const problems = [];
    const url = site + "/" + page;
    const name = page.replace(/[\/]/g, "_");

    // 1. Desktop: console, requests, axe with every rule.
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const tab = await ctx.newPage();
    tab.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
    tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    tab.on("requestfailed", (r) => problems.push(`failed request: ${r.url()} ${r.failure() && r.failure().errorText}`));
    tab.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    await tab.goto(url, { waitUntil: "load" });
    await tab.evaluate(() => document.fonts.ready);
    await tab.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
    const result = await tab.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of result.violations) {
      problems.push(`axe ${v.impact}: ${v.id} (${v.help}) on ${v.nodes.length} element(s), e.g. ${v.nodes[0].target}`);
    }
    // The ranking tables sort by a column and filter by name (progressive enhancement).
    const sortable = await tab.$("table.sortable");
    if (sortable) {
      await tab.click("table.sortable th[data-filter] button.sort");
      const sorted = await tab.evaluate(() => {
        const t = document.querySelector("table.sortable");
        const names = Array.from(t.tBodies[0].rows).map((r) => r.cells[1].textContent.trim());
        const copy = names.slice().sort((a, b) => a.localeCompare(b, "da"));
        return { ok: names.join("|") === copy.join("|"), sort: t.querySelector("th[data-filter]").getAttribute("aria-sort") };
      });
      if (!sorted.ok || sorted.sort !== "ascending") problems.push(`sorting by name failed (${JSON.stringify(sorted)})`);
      await tab.fill(".filter input", "ishøj");
      const shown = await tab.evaluate(() =>
        Array.from(document.querySelector("table.sortable").tBodies[0].rows).filter((r) => !r.hidden).length);
      if (shown !== 1) problems.push(`filtering for "ishøj" shows ${shown} rows, not 1`);
      await tab.fill(".filter input", "");
    }
    const shot = path.join(outDir, name + ".png");
    await tab.screenshot({ path: shot, fullPage: false });

    // 2. Print: every column header of every printed table is in the PDF's text.
    if (print.includes(page)) {
      const headers = await tab.evaluate(() =>
        Array.from(document.querySelectorAll("table"))
          .filter((t) => !t.closest("details"))
          .flatMap((t) => Array.from(t.querySelectorAll("thead th")).map((th) => th.innerText)));
      const pdf = path.join(outDir, name + ".pdf");
      await tab.emulateMedia({ media: "print" });
      await tab.pdf({ path: pdf, format: "A4", printBackground: true });
      const text = spawnSync("pdftotext", ["-raw", pdf, "-"], { encoding: "utf8" }).stdout || "";
      const plain = squash(text);
      const missing = [...new Set(headers)].filter((h) => h.trim() && !plain.includes(squash(h)));
      for (const h of missing) problems.push(`printed PDF lacks the column header "${h}"`);
      if (!missing.length) console.log(`     ${page}: printed to ${pdf}; all ${headers.length} column headers on paper`);
    }
    await ctx.close();

    // 3. Desktop (1280 px): no word of a table header or cell broken across lines, unless at a
    // hyphen or soft hyphen the text itself has.
    const wide = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const big = await wide.newPage();
    await big.goto(url, { waitUntil: "load" });
    await big.evaluate(() => document.fonts.ready);
    const broken = await big.evaluate(() => {
      const out = [];
      for (const cell of document.querySelectorAll("th, td")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const re = /\S+/g;
          let m;
          while ((m = re.exec(node.data))) {
            if (/[-\u00ad\u2010\u2013\/]/.test(m[0])) continue;
            const range = document.createRange();
            range.setStart(node, m.index);
            range.setEnd(node, m.index + m[0].length);
            const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
            if (tops.size > 1) out.push(m[0]);
          }
        }
      }
      return out;
    });
    if (broken.length) problems.push(`1280 px: words broken mid-word in tables: ${broken.slice(0, 8).join(", ")}`);
    await wide.close();

    // 4. Reflow: at 320 CSS px nothing scrolls sideways (tables scroll inside their region).
    const narrow = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const small = await narrow.newPage();
    await small.goto(url, { waitUntil: "load" });
    await small.evaluate(() => document.fonts.ready);
    const width = await small.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    if (width > 320) problems.push(`reflow: the page is ${width} px wide at a 320 px viewport`);
    await small.screenshot({ path: path.join(outDir, name + "-320.png"), fullPage: false });
    await narrow.close();

    if (problems.length) {
      failures++;
      console.log(`FAIL ${page}`);
      for (const p of problems) console.log(`  ${p}`);
    } else {
      passed++;
      console.log(`ok   ${page} (axe: 0 violations; 1280 px: no word broken in a table; 320 px: ${width} px wide; screenshot ${shot})`);
    }
  }
  await browser.close();
  console.log(`browser: ${passed} passed, ${failures} failed`);
  process.exit(failures ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
