import { writesRowsAndCounts } from "./items.js";

writesRowsAndCounts(17);
