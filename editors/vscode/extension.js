// Starts `amxc lsp` for .amx policies and their version matrices (*.versions.yaml, so that an
// edited matrix re-checks its policies). The client appends `--stdio` to the arguments (as it
// does for every stdio server); `amxc.trace.server` traces the messages in the output panel;
// "amxc: Restart Language Server" restarts it (after installing a new amxc, say).
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("amxc").get("path") || "amxc";
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "amx" },
      { scheme: "file", pattern: "**/*.versions.yaml" },
    ],
  };
  client = new LanguageClient("amxc", "amxc", serverOptions, clientOptions);
  context.subscriptions.push(client);
  context.subscriptions.push(
    vscode.commands.registerCommand("amxc.restartServer", () => client.restart()),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
