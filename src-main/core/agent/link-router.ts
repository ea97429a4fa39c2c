import type { JobEngineApi } from '../jobs/job-engine-api.js';
import type { Logger } from '../logger.js';
import type { Job, LinkMessage, NodeStatus } from '../protocol/index.js';

export interface LinkHandlers {
  jobs: Pick<JobEngineApi, 'handleAssign' | 'handleInvalidAssign' | 'handleCancel' | 'handleAck'>;
  configAdvertised(digest: string, reason: string): void;
  nodeStatus(status: NodeStatus, reason: string): void;
  drain(reason: string, deadlineMs: number | undefined): void;
  notRegistered(detail: string): void;
  /** The job with its network-clock times read on the local clock (docs/PROTOCOL.md, Clocks). */
  localJob(job: Job): Job;
  logger: Logger;
}

/** Hands each network → node message to the part of the node that owns it. Never throws. */
export function routeNetworkMessage(msg: LinkMessage, h: LinkHandlers): void {
  try {
    switch (msg.type) {
      case 'job_assign':
        return h.jobs.handleAssign(h.localJob(msg.job));
      case 'job_assign_invalid':
        return h.jobs.handleInvalidAssign(msg.job_id, msg.detail);
      case 'job_cancel':
        return h.jobs.handleCancel(msg.job_id, msg.reason);
      case 'result_ack':
        return h.jobs.handleAck(msg.job_id, msg.outcome, msg.reason);
      case 'config_changed':
        return h.configAdvertised(msg.config_digest, `config_changed push (serial ${msg.serial})`);
      case 'node_status':
        return h.nodeStatus(msg.status, msg.reason);
      case 'drain':
        return h.drain(msg.reason, msg.deadline_ms);
      case 'ping':
        return h.logger.debug(`Ping ${msg.ping_id} from the network answered.`);
      case 'error':
        if (msg.code === 'not_registered') h.notRegistered(msg.message);
        return;
      default:
        // challenge / session_ready are consumed by the link itself.
        return;
    }
  } catch (err) {
    h.logger.error(`Handling a ${msg.type} message failed: ${(err as Error).message}`);
  }
}
