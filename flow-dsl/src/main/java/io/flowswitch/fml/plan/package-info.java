/** Lowering of a verified program to the {@link io.flowswitch.flow.FlowSpec} and an {@link io.flowswitch.fml.plan.FmlPlan}. */
package io.flowswitch.fml.plan;
