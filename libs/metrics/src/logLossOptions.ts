/** Default clip of the MoA metric (and of sklearn's `log_loss(eps=1e-15)`). */
export const LOG_LOSS_EPSILON = 1e-15;

export interface LogLossOptions {
  /**
   * Predictions are clipped to [epsilon, 1 - epsilon], so a confident miss costs
   * -log(epsilon) (about 34.5) instead of infinity.
   * @default 1e-15
   */
  epsilon?: number;
}
