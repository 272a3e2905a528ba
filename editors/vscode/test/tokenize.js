// Tokenises every shipped policy with the TextMate grammar as VS Code does (vscode-textmate,
// with the Oniguruma regular expressions VS Code uses), and checks what a reader sees: every
// keyword of the language (read from amxc's own list, src/parse/keywords.rs) is a keyword
// outside strings and comments, every string is a string, every `%name%` inside a string a
// variable, every comment a comment, every release date a date. Exits 1 naming each mismatch.
"use strict";
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const grammarPath = path.join(__dirname, "..", "syntaxes", "amx.tmLanguage.json");

const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));

const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async (scope) =>
    scope === "source.amx"
      ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
      : null,
});

// amxc's keywords: `(Rule::k_…, "word")` in src/parse/keywords.rs
const keywordsRs = fs.readFileSync(path.join(root, "src", "parse", "keywords.rs"), "utf8");
const KEYWORDS = new Set([...keywordsRs.matchAll(/Rule::k_\w+, "([^"]+)"/g)].map((m) => m[1]));
if (KEYWORDS.size < 40) {
  console.error(`read only ${KEYWORDS.size} keywords from src/parse/keywords.rs`);
  process.exit(1);
}

// What a line holds, by an independent reading: comment start, strings, words outside them.
function regions(line) {
  const strings = [];
  const words = [];
  let comment = -1;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "/" && line[i + 1] === "/") {
      comment = i;
      break;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < line.length) {
        if (c === "'" && line[j] === "'" && line[j + 1] === "'") { j += 2; continue; }
        if (c === '"' && line[j] === "\\") { j += 2; continue; }
        if (line[j] === c) break;
        j++;
      }
      strings.push([i, j + 1]);
      i = j + 1;
      continue;
    }
    const m = /^[A-Za-z][A-Za-z0-9_-]*/.exec(line.slice(i));
    if (m && (i === 0 || !/[A-Za-z0-9_-]/.test(line[i - 1]))) {
      words.push([i, m[0]]);
      i += m[0].length;
      continue;
    }
    i++;
  }
  return { strings, words, comment };
}

function scopeAt(tokens, offset) {
  const t = tokens.find((t) => t.startIndex <= offset && offset < t.endIndex);
  return t ? t.scopes.join(" ") : "";
}

async function main() {
  const grammar = await registry.loadGrammar("source.amx");
  const files = fs.readdirSync(path.join(root, "policies")).filter((f) => f.endsWith(".amx"));
  const problems = [];
  let checked = 0;
  for (const f of files) {
    const lines = fs.readFileSync(path.join(root, "policies", f), "utf8").split(/\r?\n/);
    let state = vsctm.INITIAL;
    lines.forEach((line, n) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      const where = `${f}:${n + 1}`;
      const expect = (offset, scope, what) => {
        checked++;
        const got = scopeAt(r.tokens, offset);
        if (!got.includes(scope)) problems.push(`${where}: ${what} is "${got}", not ${scope}`);
      };
      const { strings, words, comment } = regions(line);
      if (comment >= 0) expect(comment, "comment.line", "the comment");
      for (const [s, e] of strings) {
        expect(s, "string.quoted", "the string's opening quote");
        const body = line.slice(s, e);
        for (const m of body.matchAll(/%[A-Za-z_][A-Za-z0-9_.$()-]*%/g)) {
          expect(s + m.index + 1, "variable.other.path", `\`${m[0]}\``);
        }
      }
      for (const [at, word] of words) {
        if (KEYWORDS.has(word)) expect(at, "keyword.control", `keyword \`${word}\``);
      }
      for (const m of line.slice(0, comment >= 0 ? comment : line.length).matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)) {
        if (!strings.some(([s, e]) => s <= m.index && m.index < e)) {
          expect(m.index, "constant.numeric.date", `date ${m[0]}`);
        }
      }
    });
  }
  if (problems.length > 0) {
    console.error(problems.join("\n"));
    console.error(`${problems.length} of ${checked} tokens are not scoped as expected`);
    process.exit(1);
  }
  console.log(`tokenised ${files.length} policies: ${checked} tokens scoped as expected`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
