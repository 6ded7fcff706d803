"""From a phone photo to a flat page: find the sheet, rectify it, deskew, even out the light.

Each step runs only when the image needs it, so a flat scan costs a few milliseconds of looking
and nothing else. Every step taken is reported, so staff can see what was done to the picture.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

WORK_SIDE = 640  # finding the page and the skew needs no more resolution than this
MIN_PAGE_SHARE = 0.2  # a quadrilateral smaller than this share of the frame is not the page
MAX_SKEW = 15.0  # degrees; beyond it the page is treated as turned (the pipeline handles quarter turns)


def prepare(image: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The page to read, and the steps taken (in Chinese, for the staff notes)."""
    steps: list[str] = []
    quad = find_page(image)
    if quad is not None:
        image = rectify(image, quad)
        steps.append("已识别纸张边缘并校正透视")
    else:
        angle = estimate_skew(image)
        if abs(angle) >= 0.8:
            image = rotate(image, angle)
            steps.append(f"已纠正倾斜 {angle:.1f}°")
    flattened = flatten_light(image)
    if flattened is not None:
        image = flattened
        steps.append("已均衡光照")
    return image, steps


def _small(image: np.ndarray) -> tuple[np.ndarray, float]:
    scale = WORK_SIDE / max(image.shape[:2])
    if scale >= 1:
        return image, 1.0
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), scale


def find_page(image: np.ndarray) -> np.ndarray | None:
    """Corners (tl, tr, br, bl) of the sheet in a photo, in image pixels; None for a flat scan.

    The sheet's edges are the strongest long straight contrast in a desk photo; soft shadow edges
    do not survive the edge thresholds. The largest convex four-cornered outline wins.
    """
    small, scale = _small(image)
    grey = cv2.GaussianBlur(cv2.cvtColor(small, cv2.COLOR_RGB2GRAY), (5, 5), 0)
    # Colour matters too: a brown desk can be as bright as a shaded sheet, but never as grey.
    saturation = cv2.cvtColor(small, cv2.COLOR_RGB2HSV)[:, :, 1]
    edges = cv2.Canny(grey, 40, 120) | cv2.Canny(cv2.GaussianBlur(saturation, (5, 5), 0), 40, 120)
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    frame_area = small.shape[0] * small.shape[1]
    best, best_area = None, 0.0
    for contour in contours:
        hull = cv2.convexHull(contour)
        area = cv2.contourArea(hull)
        if area < MIN_PAGE_SHARE * frame_area or area <= best_area:
            continue
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            best, best_area = approx.reshape(4, 2).astype(np.float32), area
    if best is None:
        return None
    corners = order_corners(best) / scale
    if _is_whole_frame(corners, image.shape):
        return None  # the image is the page already: a scan, or a photo cropped to the sheet
    return corners


def _is_whole_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    h, w = shape[:2]
    frame = np.float32([(0, 0), (w, 0), (w, h), (0, h)])
    return float(np.max(np.abs(corners - frame))) < 0.03 * max(h, w)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Top-left, top-right, bottom-right, bottom-left (valid for pages turned less than 45°)."""
    total, diff = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.float32([points[np.argmin(total)], points[np.argmin(diff)],
                       points[np.argmax(total)], points[np.argmax(diff)]])


def rectify(image: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The sheet seen from straight above, at the resolution it had in the photo."""
    tl, tr, br, bl = corners
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.float32([(0, 0), (width - 1, 0), (width - 1, height - 1), (0, height - 1)])
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (width, height), flags=cv2.INTER_CUBIC,
                               borderMode=cv2.BORDER_REPLICATE)


def estimate_skew(image: np.ndarray) -> float:
    """Angle of the text lines in degrees (positive: turned clockwise), within ±MAX_SKEW.

    Projection profiles: dark pixels projected across the presumed line direction pile up into
    sharp peaks when the direction is right, so the angle with the peakiest profile wins.
    """
    small, _ = _small(image)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    ink = cv2.adaptiveThreshold(grey, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    ys, xs = np.nonzero(ink)
    if len(xs) < 200:
        return 0.0
    if len(xs) > 30000:  # a sample is as good as all of them for a histogram
        pick = np.random.default_rng(0).choice(len(xs), 30000, replace=False)
        xs, ys = xs[pick], ys[pick]

    def peakiness(deg: float) -> float:
        theta = math.radians(deg)
        projected = ys * math.cos(theta) - xs * math.sin(theta)
        counts = np.bincount((projected - projected.min()).astype(np.int64))
        return float(np.sum(counts.astype(np.float64) ** 2))

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.1, 1.0), key=peakiness)
    fine = max(np.arange(coarse - 1, coarse + 1.01, 0.2), key=peakiness)
    return float(fine)


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Turn the image by ``degrees`` (counter-clockwise) about its centre, growing the canvas."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(image, matrix, (new_w, new_h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def flatten_light(image: np.ndarray, threshold: float = 1.25) -> np.ndarray | None:
    """Divide out the paper's brightness where a lamp or a shadow made it uneven; None if even.

    The paper's own brightness is what remains after closing away the (thin, dark) print; dividing
    by it makes the paper white everywhere and keeps ink and seal colours.
    """
    small, _ = _small(image)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), 8).astype(np.float32) + 1
    low, high = np.percentile(paper, (5, 95))
    if high / low < threshold:
        return None
    full = cv2.resize(paper, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = image.astype(np.float32) * (high / full)[:, :, None]
    return np.clip(out, 0, 255).astype(np.uint8)
