// Jest global teardown: removes everything berth created for this run.
export { berthGlobalTeardown as default } from "berth/jest";
