/** One line of `berth doctor`: what was checked, what was found, and how to fix it when it is not PASS. */
export type CheckStatus = "PASS" | "WARN" | "FAIL";

export interface DoctorCheck {
  name: string;
  status: CheckStatus;
  detail: string;
  /** One line saying what to do; absent on PASS. */
  fix?: string;
}

export const pass = (name: string, detail: string): DoctorCheck => ({ name, status: "PASS", detail });
export const warn = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: "WARN", detail, fix });
export const fail = (name: string, detail: string, fix: string): DoctorCheck => ({ name, status: "FAIL", detail, fix });

const GiB = 1024 ** 3;
export function formatSize(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}
