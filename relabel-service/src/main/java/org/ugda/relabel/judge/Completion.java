package org.ugda.relabel.judge;

/**
 * One answered chat completion.
 *
 * @param content the answer text, or null when the model gave none (e.g. a refusal)
 * @param refusal the model's refusal text, if any
 * @param promptTokens tokens billed for the prompt
 * @param completionTokens tokens billed for the answer
 */
record Completion(String content, String refusal, long promptTokens, long completionTokens) {}
