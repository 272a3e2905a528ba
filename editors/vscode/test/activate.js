// The extension's real launch: activate() runs against the real vscode-languageclient (with a
// stand-in for the `vscode` module, which only VS Code provides), the command line the client
// spawns is recorded, and that exact command line must start amxc's language server and answer
// `initialize`. AMXC names the program (default: target/debug/amxc of this repository).
const assert = require("assert");
const cp = require("child_process");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const amxc =
  process.env.AMXC || path.resolve(__dirname, "../../../target/debug/amxc");
if (!fs.existsSync(amxc)) {
  console.error(`activate.js: ${amxc} not found (cargo build, or set AMXC)`);
  process.exit(1);
}

// any property of the stand-in is another stand-in, callable and constructible
function standIn(name) {
  const cache = {};
  return new Proxy(function () {}, {
    get(_t, p) {
      if (p === "then") return undefined; // not a promise
      if (p === Symbol.toPrimitive) return () => name;
      if (p === Symbol.iterator) return undefined;
      if (p === "prototype") return {};
      if (!(p in cache)) cache[p] = standIn(`${name}.${String(p)}`);
      return cache[p];
    },
    apply: () => standIn(`${name}()`),
    construct: () => standIn(`new ${name}`),
  });
}
const configuration = { path: amxc, "trace.server": "off" };
const vscode = new Proxy(
  {
    workspace: new Proxy(
      {
        getConfiguration: () => ({
          get: (key, dflt) => (key in configuration ? configuration[key] : dflt),
        }),
        workspaceFolders: undefined,
      },
      { get: (t, p) => (p in t ? t[p] : standIn(`workspace.${String(p)}`)) },
    ),
    version: "1.95.0",
    commands: { registerCommand: (id, fn) => ((commands[id] = fn), { dispose() {} }) },
  },
  { get: (t, p) => (p in t ? t[p] : standIn(`vscode.${String(p)}`)) },
);
const commands = {};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === "vscode" ? "vscode" : resolve.call(this, request, ...rest);
};
require.cache.vscode = { id: "vscode", filename: "vscode", loaded: true, exports: vscode };

// record what the client spawns
const spawned = [];
const spawn = cp.spawn;
cp.spawn = function (command, args, options) {
  spawned.push({ command, args: [...args] });
  return spawn.call(this, command, args, options);
};

const extension = require("../extension.js");
const context = { subscriptions: [] };
Promise.resolve()
  .then(() => extension.activate(context))
  .catch((e) => process.env.AMXC_DEBUG && console.error(e)) // the stand-in cannot carry the whole client; the launch is what counts
  .then(() => new Promise((r) => setTimeout(r, 500)))
  .then(() => {
    assert.ok(spawned.length >= 1, "activate() spawns the language server");
    const { command, args } = spawned[0];
    assert.strictEqual(command, amxc);
    assert.deepStrictEqual(args, ["lsp", "--stdio"]);
    assert.ok(
      typeof commands["amxc.restartServer"] === "function",
      "the restart command is registered",
    );
    return handshake(command, args);
  })
  .then(() => {
    console.log("activate: the client's command line starts the server and it answers initialize");
    process.exit(0);
  })
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });

// start the command line and exchange initialize / initialized / shutdown / exit over stdio
function handshake(command, args) {
  return new Promise((ok, fail) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = Buffer.alloc(0);
    let err = "";
    const timer = setTimeout(() => fail(new Error(`no answer to initialize; stderr: ${err}`)), 10000);
    const send = (msg) => {
      const body = Buffer.from(JSON.stringify(msg));
      child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
      child.stdin.write(body);
    };
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out = Buffer.concat([out, d]);
      const text = out.toString();
      const at = text.indexOf("\r\n\r\n");
      if (at < 0) return;
      const len = Number(/Content-Length: (\d+)/i.exec(text)[1]);
      if (out.length < at + 4 + len) return;
      const answer = JSON.parse(out.subarray(at + 4, at + 4 + len).toString());
      clearTimeout(timer);
      try {
        assert.strictEqual(answer.id, 1);
        assert.ok(answer.result && answer.result.capabilities.hoverProvider, "capabilities");
      } catch (e) {
        return fail(e);
      }
      send({ jsonrpc: "2.0", method: "initialized", params: {} });
      send({ jsonrpc: "2.0", id: 2, method: "shutdown" });
      send({ jsonrpc: "2.0", method: "exit" });
      child.on("exit", (code) => (code === 0 ? ok() : fail(new Error(`exit ${code}: ${err}`))));
    });
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { processId: null, rootUri: null, capabilities: {} },
    });
  });
}
