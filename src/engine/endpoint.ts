/** Whether an engine endpoint is on this machine (a unix socket, or TCP on a loopback address). */
export function isLocalEndpoint(endpoint: string): boolean {
  return endpoint.startsWith("unix://") || /^(tcp|https?):\/\/(localhost|127\.|\[::1\])/.test(endpoint);
}
