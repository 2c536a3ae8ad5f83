package org.ugda.core.model;

import ai.djl.ndarray.NDArray;

/** A parameter and its stable name (Hugging Face or PEFT naming). */
public record NamedArray(String name, NDArray array) {}
