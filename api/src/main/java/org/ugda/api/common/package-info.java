/**
 * Types shared by every service's contract.
 */
package org.ugda.api.common;
