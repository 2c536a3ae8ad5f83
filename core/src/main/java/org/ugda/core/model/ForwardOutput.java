package org.ugda.core.model;

import ai.djl.ndarray.NDArray;

/**
 * Results of a forward pass, all in the caller's scope manager.
 *
 * @param hidden last hidden state after the final norm [B, T, H]
 * @param logits LM logits [B, T, V] ([B, 1, V] with lastLogitsOnly), or null
 * @param scores scalar head at the last non-pad token [B, labels], or null
 * @param pooled the hidden state the scores were read from [B, H], or null
 */
public record ForwardOutput(NDArray hidden, NDArray logits, NDArray scores, NDArray pooled) {}
