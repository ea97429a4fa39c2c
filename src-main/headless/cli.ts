// Headless entry point (placeholder until the agent core lands).
console.log('Resultity Node (headless): the agent is not wired yet.');
