package dev.quorumcommit.inventory.stock;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A restock that, with the units still reserved, would hold more than {@link StockService#MAX_UNITS}. The bound is on
 * the sum because aborts give reserved units back to {@code available}: past 2^31 - 1 the database would refuse that
 * return, and the units would stay reserved for good.
 */
class TooManyUnitsException extends ErrorResponseException {

    TooManyUnitsException(String sku, int available, int reserved) {
        super(HttpStatus.CONFLICT, problem(sku, available, reserved), null);
    }

    private static ProblemDetail problem(String sku, int available, int reserved) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "SKU '" + sku + "' has " + reserved
                + " units reserved; with " + available + " available it would hold more than " + StockService.MAX_UNITS
                + ". Nothing was changed.");
        problem.setTitle("Too many units");
        return problem;
    }
}
