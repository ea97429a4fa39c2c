/** A search of the node's log files (node.log and its rotated copies) on the node's machine. */
export interface LogSearchRequest {
  /** Matched literally, ignoring case (at most LOG_SEARCH_MAX_TEXT characters). */
  text: string;
  /** Only lines stamped before this time (ms): those older than what the dashboard holds. */
  before?: number;
}

export interface LogFileMatchDto {
  /** The file's name in the logs folder (node.log, node.log.1, …). */
  file: string;
  /** The time at the start of the line, or null when it has none. */
  ts: number | null;
  /** The line as written in the file (a very long one cut, ending in "…"). */
  line: string;
}

export interface LogSearchResultDto {
  /** Newest first, at most LOG_SEARCH_MAX_MATCHES. */
  matches: LogFileMatchDto[];
  /** More lines matched than came back. */
  truncated: boolean;
  /** The files read, newest first. */
  files: string[];
}

export const LOG_SEARCH_MAX_TEXT = 200;
export const LOG_SEARCH_MAX_MATCHES = 200;
