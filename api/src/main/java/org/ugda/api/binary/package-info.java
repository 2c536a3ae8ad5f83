/**
 * The binary body for large float arrays (gradient features, projected gradients): {@link
 * org.ugda.api.binary.FloatMatrices} defines it, writes it row by row and reads it back. JSON stays
 * the format of every other body.
 */
package org.ugda.api.binary;
