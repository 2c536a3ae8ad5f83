/**
 * HTTP contracts of the selection service: a selection job over a PPO run's log ({@link
 * org.ugda.api.selection.CreateSelection}, {@link org.ugda.api.selection.SelectionView}), its
 * per-sample result and the explanation of one sample's fate.
 */
package org.ugda.api.selection;
