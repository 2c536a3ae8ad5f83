package org.ugda.api.policy;

import java.util.List;

/** The responses of {@code POST /v1/generate}, in prompt order. */
public record GenerateResponse(List<Generated> items) {}
