// The one clock shape. Everything that needs the time outside the pure modules takes a Clock, so a
// test can hand it a fixed or stepped one; pure modules get the time as an ISO-8601 argument instead.

export type Clock = {
  /** The current time. */
  now(): Date;
};
