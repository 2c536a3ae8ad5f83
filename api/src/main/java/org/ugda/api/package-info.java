/**
 * HTTP contracts shared by the UGDA services.
 *
 * <p>This module holds what crosses the wire between services and what clients of the platform see:
 * request and response bodies as Java records, and declarative clients as {@code @HttpExchange}
 * interfaces that a service registers with {@code @ImportHttpServices} to call another one. It
 * depends on {@code spring-web} only: no service code, no persistence, and no NDArray or other
 * engine type (contracts carry plain arrays and records; large arrays travel as little-endian
 * float32 bodies with a shape header).
 *
 * <p>Sub-packages go by feature, one per service ({@code reward}, {@code policy}, {@code
 * selection}, {@code relabel}).
 */
package org.ugda.api;
