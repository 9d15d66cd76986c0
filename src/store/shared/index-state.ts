/**
 * Named state kept with an index besides its papers (where an arXiv harvest got to, per endpoint
 * and set; likes): small JSON values, written in the same commit as the papers they go with, and
 * carried from generation to generation, through `--rebuild` and `copyIndex`, until changed. Every
 * store keeps them as one JSON object under the artifact name STATE_ARTIFACT: a file of a folder
 * generation (checksummed by its manifest), a row of a database's artifacts table.
 */
import { PapersError } from "../../errors.js";
import { REBUILD_HINT } from "./manifest.js";

export const STATE_ARTIFACT = "state.json";

/** The named values an index keeps; a JSON value each. */
export type IndexState = Record<string, unknown>;

/** A stored state object (any store's: `where` names it in errors), checked before it is used; {} for none. */
export function parseIndexState(data: Buffer | string | null, where: string): IndexState {
  if (data === null) return {};
  let state: unknown;
  try {
    state = JSON.parse(data.toString());
  } catch {
    state = undefined;
  }
  if (typeof state !== "object" || state === null || Array.isArray(state)) {
    throw new PapersError("INDEX_DAMAGED", `index at ${where} is damaged (${STATE_ARTIFACT} is not a JSON object): ${REBUILD_HINT}`);
  }
  return state as IndexState;
}

/**
 * The changes an update makes to the state: names and their new values, or a function of the
 * state as the update finds it under the writer lock (so that two runs that each change part of one
 * value, one after the other, both keep their part).
 */
export type IndexStateChanges = Readonly<IndexState> | ((previous: Readonly<IndexState>) => Readonly<IndexState>);

/**
 * The state after an update sets `changes` over `previous` (a null value removes its name), and
 * whether anything differs: an update that changes only state still commits.
 */
export function mergeIndexState(previous: IndexState, given: IndexStateChanges | undefined): { state: IndexState; changed: boolean } {
  const changes = typeof given === "function" ? given(previous) : given;
  if (!changes) return { state: previous, changed: false };
  const state: IndexState = { ...previous };
  let changed = false;
  for (const [name, value] of Object.entries(changes)) {
    if (value === null || value === undefined) {
      if (name in state) changed = true;
      delete state[name];
    } else if (JSON.stringify(state[name]) !== JSON.stringify(value)) {
      state[name] = value;
      changed = true;
    }
  }
  return { state, changed };
}

/** The state as stored: null when there is none (no artifact is written then). */
export function serializeIndexState(state: IndexState): Buffer | null {
  return Object.keys(state).length === 0 ? null : Buffer.from(JSON.stringify(state));
}
