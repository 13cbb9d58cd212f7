/**
 * A failed TLS handshake with the engine, explained: Node's error codes (and OpenSSL's alert texts)
 * become a message naming what is wrong and a hint on what to change. Pure.
 */
import { BerthError, type ErrorDetailsByCode } from "../errors.js";
import type { EngineChoice } from "./discovery.js";

export type TlsProblem = NonNullable<ErrorDetailsByCode["ENGINE_UNREACHABLE"]["tls"]>;

const UNKNOWN_CA = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_GET_ISSUER_CERT",
  "CERT_UNTRUSTED",
]);

/** Which TLS problem an error from connecting shows; undefined when it is not one. */
export function tlsProblemOf(error: unknown): TlsProblem | undefined {
  const e = error as { code?: string; message?: string; json?: { message?: string } | null; statusCode?: number };
  const code = e?.code ?? "";
  const text = `${e?.message ?? ""} ${e?.json?.message ?? ""}`;
  if (UNKNOWN_CA.has(code)) return "unknown-ca";
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return "wrong-host";
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "expired";
  if (/certificate required|CERTIFICATE_REQUIRED|alert handshake failure|peer did not return a certificate/i.test(`${code} ${text}`))
    return "client-cert-required";
  if (/alert (unknown ca|bad certificate|certificate unknown)|ALERT_(UNKNOWN_CA|BAD_CERTIFICATE)/i.test(`${code} ${text}`)) return "client-cert-rejected";
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long/i.test(`${code} ${text}`)) return "not-tls";
  if (/HTTP request to an HTTPS server/i.test(text)) return "tls-expected";
  return undefined;
}

/** Where the TLS material came from, for hints. */
function materialOf(choice: EngineChoice): string {
  if (choice.context) return `the context "${choice.context}" (${choice.tls?.from ?? "no TLS files"})`;
  return choice.tls ? `DOCKER_CERT_PATH (${choice.tls.from})` : "no TLS settings";
}

/** An ENGINE_UNREACHABLE error explaining a TLS failure, or undefined when `error` is something else. */
export function tlsFailure(error: unknown, endpoint: string, choice: EngineChoice): BerthError<"ENGINE_UNREACHABLE"> | undefined {
  const problem = tlsProblemOf(error);
  if (!problem) return undefined;
  const detail = (error as Error)?.message ?? String(error);
  const from = materialOf(choice);
  const [what, hint] = ((): [string, string] => {
    switch (problem) {
      case "unknown-ca":
        return [
          "its certificate is not signed by the CA berth was given",
          `Use the CA that signed the engine's certificate as ca.pem (from ${from}); \`docker --tlsverify info\` with the same settings shows the same error.`,
        ];
      case "wrong-host":
        return [
          "its certificate is not valid for this host name",
          `Reach the engine by a name or IP listed in its certificate's subjectAltName (\`openssl x509 -noout -ext subjectAltName -in server-cert.pem\`), or reissue the certificate for ${endpoint}.`,
        ];
      case "expired":
        return ["its certificate has expired or is not valid yet", "Renew the engine's certificate (and check this machine's clock)."];
      case "client-cert-required":
        return ["it requires a client certificate and none was sent", `Put cert.pem and key.pem (signed by the engine's CA) next to ca.pem: ${from}.`];
      case "client-cert-rejected":
        return [
          "it rejected berth's client certificate",
          `The engine does not trust the client certificate from ${from}: issue one signed by the CA the engine's --tlscacert names.`,
        ];
      case "not-tls":
        return ["it does not speak TLS on this port", "Unset DOCKER_TLS_VERIFY/DOCKER_TLS (or use the engine's TLS port, usually 2376)."];
      case "tls-expected":
        return [
          "it expects TLS",
          "Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem (or use a docker context that has them).",
        ];
    }
  })();
  return new BerthError("ENGINE_UNREACHABLE", `TLS with the Docker engine at ${endpoint} failed: ${what} (${detail.trim()})`, {
    hint,
    cause: error,
    details: { tls: problem },
  });
}
