// The one clock shape. Adapters and the agent take a Clock; the pure core never reads one (time
// arrives there as an ISO-8601 string in its input).
export type Clock = { now(): Date };
