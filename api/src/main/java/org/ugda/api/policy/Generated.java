package org.ugda.api.policy;

import java.util.List;

/** One generated response: its text, its token ids, and whether it ended with EOS. */
public record Generated(String response, List<Long> tokenIds, boolean endedWithEos) {}
