// `huitong departments …`, started by bin/huitong.js without loading the hub: these commands talk to a
// running hub over HTTP (validate, to one department's system), so they import only what they use.
import { DEPARTMENTS_USAGE, DepartmentsUsageError, runDepartmentsCommand } from './departments.js';
import { runLightCommand } from './light-entry.js';

runLightCommand((io) => runDepartmentsCommand(process.argv.slice(3), io), DEPARTMENTS_USAGE, DepartmentsUsageError);
