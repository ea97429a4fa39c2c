"""Starts vLLM with the model the agent verified: waits for the plan file the agent writes
(--runtime-plan-file) after it checked the network's signed configuration, then replaces
itself with `vllm serve` (no shell: nothing in the plan is interpreted)."""
import json
import os
import sys
import time

PLAN = os.environ.get("RESULTITY_PLAN_FILE", "/run/resultity-plan/plan.json")
PORT = os.environ.get("VLLM_PORT", "8000")

while not (os.path.isfile(PLAN) and os.path.getsize(PLAN) > 0):
    print(f"waiting for the agent's runtime plan at {PLAN}", flush=True)
    time.sleep(5)

with open(PLAN, encoding="utf-8") as f:
    plan = json.load(f)
args = [
    "vllm", "serve", plan["model"],
    "--revision", plan["revision"],
    "--served-model-name", plan["servedName"],
    "--max-model-len", str(plan["maxModelLen"]),
    "--max-num-seqs", str(plan["maxNumSeqs"]),
    "--host", "127.0.0.1",
    "--port", PORT,
] + sys.argv[1:]
print("starting: " + " ".join(args), flush=True)
os.execvp(args[0], args)
