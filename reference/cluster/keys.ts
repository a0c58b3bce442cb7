/*
 * Every Redis key and channel the cluster uses, in one place (prefix `mqc:`).
 *
 * | key | type | holds |
 * |---|---|---|
 * | mqc:log | stream | every application message, in the order the cluster accepted them (field `m`) |
 * | mqc:retained | hash | topic -> retained message |
 * | mqc:s:{client} | hash | a persistent session: `v` protocol level, `e` expiry interval, `x` expires at (offline), `c` replay start in the log |
 * | mqc:sub:{client} | hash | filter -> grant and the log position it started after |
 * | mqc:inf:{client} | hash | packet id -> outgoing QoS 1/2 delivery not yet complete |
 * | mqc:in2:{client} | set | inbound QoS 2 packet ids received and not yet released |
 * | mqc:own:{client} | string | the node serving the client id |
 * | mqc:exp | zset | offline sessions by the time they expire |
 * | mqc:wd / mqc:w | zset / hash | delayed wills by due time / their content |
 * | mqc:c:{log id}:{share} | string | the member a shared subscription chose for a message |
 * | mqc:alive:{node} | string (PX) | the node's heartbeat |
 * | mqc:stats:{node} | string (PX) | the node's counters, for the cluster totals in `$SYS` |
 * | mqc:nodes | set | node ids seen |
 * | channel mqc:ctl:{node} | pub/sub | release requests (take-over) to a node and their answers |
 */
export const LOG = 'mqc:log';
export const RETAINED = 'mqc:retained';
export const EXPIRY = 'mqc:exp';
export const WILL_DUE = 'mqc:wd';
export const WILLS = 'mqc:w';
export const NODES = 'mqc:nodes';
export const ALIVE_PREFIX = 'mqc:alive:';
export const sessionKey = (clientId: string): string => `mqc:s:${clientId}`;
export const subscriptionsKey = (clientId: string): string => `mqc:sub:${clientId}`;
export const inflightKey = (clientId: string): string => `mqc:inf:${clientId}`;
export const inboundKey = (clientId: string): string => `mqc:in2:${clientId}`;
export const ownerKey = (clientId: string): string => `mqc:own:${clientId}`;
export const claimKey = (logId: string, share: string): string => `mqc:c:${logId}:${share}`;
export const aliveKey = (node: string): string => `${ALIVE_PREFIX}${node}`;
export const statsKey = (node: string): string => `mqc:stats:${node}`;
export const controlChannel = (node: string): string => `mqc:ctl:${node}`;

/** Takes the client id unless a live node other than this one holds it: '' when taken, else the holder. */
export const ACQUIRE = `
local o = redis.call('GET', KEYS[1])
if (not o) or o == ARGV[1] or redis.call('EXISTS', ARGV[2] .. o) == 0 then
  redis.call('SET', KEYS[1], ARGV[1])
  return ''
end
return o`;

/** Gives the client id up if this node still holds it. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** The first member to claim a message for a shared subscription gets it; everyone learns who. */
export const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'EX', 86400)
return ARGV[1]`;

/** Ends an offline session whose time has come (1), unless its client is back (0). KEYS: own, exp, s, sub, inf, in2. */
export const EXPIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('ZREM', KEYS[2], ARGV[1]) return 0 end
local at = tonumber(redis.call('HGET', KEYS[3], 'x') or '0')
if at > tonumber(ARGV[2]) then return 0 end
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
return 1`;

/** Takes a delayed will out (one node gets it). KEYS: due zset, wills hash. */
export const TAKE_WILL = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return false end
local w = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return w`;
