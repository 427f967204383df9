#!/usr/bin/env node
import { runServerCommand } from './run-server-command.js';

await runServerCommand();
