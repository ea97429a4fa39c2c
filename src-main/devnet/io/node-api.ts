import { computeAddress } from 'ethers';
import { Envelope } from '../../core/protocol/envelope.js';
import { ProtocolError } from '../../core/protocol/errors.js';
import { assertSupportedVersion } from '../../core/protocol/version.js';
import {
  HeartbeatBody,
  HttpMessageTypes,
  HttpPaths,
  LogBatchBody,
  RegisterBody,
} from '../../core/protocol/schemas/http.js';
import { OwnerBindingBody } from '../../core/protocol/schemas/account.js';
import type { Logger } from '../../core/logger.js';
import type { NetworkName } from '../../core/protocol/networks.js';
import type { ConfigService } from './config-service.js';
import type { Dispatcher } from './dispatcher.js';
import type { EnvelopeGate } from './envelope-gate.js';
import type { Faults } from './faults.js';
import { HttpError } from './http-util.js';
import type { JobLedger } from './ledger.js';
import type { LogStore } from './log-store.js';
import type { OwnerDesk } from './owner-desk.js';
import type { NodeRecord, NodeRegistry } from './registry.js';
import { rotationView } from './rotation-view.js';
import type { Router } from './router.js';

export interface NodeApiDeps {
  network: NetworkName;
  registry: NodeRegistry;
  owners: Pick<OwnerDesk, 'claim' | 'status'>;
  config: ConfigService;
  gate: EnvelopeGate;
  faults: Faults;
  dispatcher: Dispatcher;
  logs: LogStore;
  ledger: Pick<JobLedger, 'counters'>;
  logger: Logger;
  /** After each heartbeat (the node's availability is counted from them). */
  heartbeatSeen?: (node: NodeRecord) => void;
}

/** The node-facing HTTP endpoints of PROTOCOL.md; every POST body is a signed envelope. */
export function addNodeRoutes(router: Router, d: NodeApiDeps): void {
  const time = () => d.gate.serverTime();

  /** The registered sender of a well-formed envelope (its key then checks the signature). */
  const senderOf = (raw: unknown): NodeRecord | undefined => {
    const env = Envelope.safeParse(raw);
    if (!env.success) return undefined; // gate.open reports the malformed envelope
    assertSupportedVersion(env.data.v);
    const node = d.registry.get(env.data.node_id);
    if (!node) {
      throw new HttpError(
        404,
        'not_registered',
        'this node is not registered: register again (POST /v1/nodes/register)',
      );
    }
    return node;
  };

  router.add('POST', HttpPaths.register, async (ctx) => {
    if (d.faults.state.refuse_registration) {
      throw new HttpError(
        403,
        'registration_refused',
        'the network is not accepting new registrations right now: try again later',
      );
    }
    const raw = await ctx.body();
    const env = d.gate.open(raw, RegisterBody, HttpMessageTypes.register);
    const body = env.body;
    if (body.network !== d.network) {
      throw new HttpError(
        400,
        'wrong_network',
        `this is the ${d.network} network; the node asked to join ${body.network}`,
      );
    }
    if (computeAddress(body.public_key).toLowerCase() !== env.node_id.toLowerCase()) {
      d.gate.count(new ProtocolError('wrong_signer', 'public key mismatch'));
      throw new HttpError(401, 'wrong_signer', 'public_key does not belong to node_id');
    }
    const { node, created } = d.registry.register(body, d.dispatcher.now);
    const owner_status = d.owners.claim(node, body.owner);
    d.logger.info(created ? 'node registered' : 'node registered again', {
      node: node.nodeId,
      status: node.status,
      owner: owner_status.state,
    });
    return {
      node_id: node.nodeId,
      status: node.status,
      snapshot: d.config.signedFor(),
      ws_path: HttpPaths.ws,
      server_time: time(),
      owner_status,
    };
  });

  router.add('POST', HttpPaths.heartbeat, async (ctx) => {
    const raw = await ctx.body();
    const node = senderOf(raw);
    const env = d.gate.open(raw, HeartbeatBody, HttpMessageTypes.heartbeat, node);
    const now = d.dispatcher.now;
    d.heartbeatSeen?.(node!);
    d.registry.recordHeartbeat(node!, env.body, now);
    d.heartbeatSeen?.(node!);
    d.dispatcher.kick();
    const key = node!.nodeId.toLowerCase();
    const serverTime = time();
    const rotation = rotationView(
      node!,
      d.dispatcher.links.get(key),
      d.config.effective,
      now,
      d.dispatcher.deprioritisation(key),
      (t) => t + (serverTime - now),
    );
    return {
      status: node!.status,
      config_digest: d.config.servedDigest(),
      server_time: serverTime,
      rotation,
      owner_status: d.owners.status(node!),
    };
  });

  router.add('POST', HttpPaths.owner, async (ctx) => {
    const raw = await ctx.body();
    const node = senderOf(raw);
    const env = d.gate.open(raw, OwnerBindingBody, HttpMessageTypes.owner, node);
    const answer = d.owners.claim(node!, env.body.owner);
    d.logger.info('owner claim answered', {
      node: node!.nodeId,
      kind: env.body.owner.kind,
      state: answer.state,
      ...(answer.reason ? { reason: answer.reason } : {}),
    });
    return answer;
  });

  router.add('POST', HttpPaths.logs, async (ctx) => {
    const raw = await ctx.body();
    const node = senderOf(raw);
    const env = d.gate.open(raw, LogBatchBody, HttpMessageTypes.logs, node);
    const { count } = d.logs.add(env.node_id, env.body.batch_id, env.body.entries);
    return { accepted: env.body.batch_id, count };
  });

  router.add('GET', HttpPaths.configDigest, () => {
    const entry = d.config.served();
    return { config_digest: entry.signed.config_digest, serial: entry.serial, server_time: time() };
  });

  router.add('GET', HttpPaths.configSnapshot, (ctx) => {
    d.ledger.counters.snapshot_requests++;
    const digest = ctx.url.searchParams.get('digest');
    if (!digest) return d.config.signedFor();
    const served = d.config.served();
    const entry =
      digest === served.signed.config_digest ? served : d.config.history.byDigest(digest);
    if (!entry) throw new HttpError(404, 'unknown_digest', `no snapshot has digest ${digest}`);
    return d.config.signedFor(entry);
  });

  router.add('GET', HttpPaths.time, () => ({ server_time: time() }));
}
