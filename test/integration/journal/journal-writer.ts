// A second process writing the journal (as the CLI does while the app runs).
import { Journal } from '../../../electron/services/journal/journal';

const [dataDir, tag, count, pauseMs] = process.argv.slice(2);
const journal = new Journal(dataDir);
for (let i = 0; i < Number(count); i++) {
  await journal.update((j) => journal.record(j, 'test', `${tag}-${i}`));
  if (pauseMs) await new Promise((r) => setTimeout(r, Number(pauseMs))); // as a person or script would
}
