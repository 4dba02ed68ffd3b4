/**
 * Imported for its effect by the test support modules: this process's `fetch` drops an idle connection after 1 s,
 * well inside the BFF's 5 s keep-alive timeout. With undici's default (the server's hint less 1 s), a loaded machine's
 * late timer let a request go out on a connection the server was just closing (ECONNRESET, "other side closed"):
 * the keep-alive race every client of a keep-alive server has, which browsers answer by retrying and fetch does not.
 */
import { Agent, setGlobalDispatcher } from 'undici';

setGlobalDispatcher(new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 }));
