package org.ugda.api.policy;

import java.util.Map;

/** One finished PPO step's figures ({@code GET /v1/runs/{runId}/steps}). */
public record RunStep(int step, int epoch, Map<String, Object> metrics) {}
