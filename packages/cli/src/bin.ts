#!/usr/bin/env node
import { main } from "./main.js";

// The exit code is set, not forced: the bus has been left, and stdout drains first.
process.exitCode = await main();
