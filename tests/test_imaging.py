"""The page pipeline on frames the simulated camera renders (true corners known) and on bad files."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from conftest import FONT, bench_module

from app.devices.camera.sample_documents import SampleDocument, id_card_sides
from app.devices.camera.scene import Scene, project, random_scene, render
from app.imaging.correct import deskew, estimate_skew, rotate, turn
from app.imaging.detect import detect_page, find_outline
from app.imaging.encode import ImageError, decode_image, encode_jpeg
from app.imaging.enhance import ColourMode, enhance
from app.imaging.geometry import corner_error, order_corners, true_aspect
from app.imaging.id_copy import card_boxes, compose_id_copy
from app.imaging.motion import AutoCapture, CaptureState
from app.imaging.pipeline import NoPageFound, PageOffFrame, PageOptions, process_image_file, process_still

FRAME = (1296, 972)
DOCUMENTS = [SampleDocument("出生医学证明", qr="ZZ330100-2026-000001"), SampleDocument("户口簿 常住人口登记卡"),
             SampleDocument("结婚证"), *id_card_sides("张三", "男", "汉", "1990年1月1日", "浙江省杭州市西湖区文三路100号",
                                                     "330106199001011234")]


def jpeg(image: np.ndarray, quality: int = 92) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


def test_detection_on_200_generated_frames_is_within_1_percent_of_the_diagonal():
    rng = np.random.default_rng(2026)
    errors = []
    for i in range(200):
        scene = random_scene(rng, DOCUMENTS[i % len(DOCUMENTS)])
        found = detect_page(render(scene, FRAME, FONT))
        assert found is None or not found.off_frame       # every one of these pages lies wholly in view
        errors.append(1.0 if found is None else corner_error(found.corners, scene.corners_px(FRAME)))
    errors = np.array(errors)
    within = float((errors < 0.01).mean())
    print(f"\ncorner error on 200 frames: {within:.1%} under 1% of the diagonal, "
          f"median {np.median(errors):.3%}, worst {errors.max():.3%}")
    assert within >= 0.95
    assert np.median(errors) < 0.003


def test_an_empty_desk_has_no_page():
    rng = np.random.default_rng(4)
    for _ in range(30):
        scene = random_scene(rng, DOCUMENTS[0])
        empty = Scene(None, (), scene.background, scene.texture_seed, scene.lighting)
        assert detect_page(render(empty, FRAME)) is None


def test_a_page_running_off_the_frame_is_flagged_never_taken_as_whole():
    rng = np.random.default_rng(7)
    for i in range(40):                    # pages and cards pushed over each edge by 8–30 % of their size
        scene = random_scene(rng, DOCUMENTS[i % len(DOCUMENTS)]).overhanging(rng.uniform(0.08, 0.3), side=i % 4)
        frame = render(scene, FRAME, FONT)
        found = detect_page(frame)
        assert found is not None and found.off_frame, i
        assert np.all((found.corners >= 0) & (found.corners <= [FRAME[0] - 1, FRAME[1] - 1]))
        preview = find_outline(render(scene, (648, 486), FONT))
        assert preview is None or preview.off_frame, i     # the preview never offers it for auto-capture
    page = process_still(frame, PageOptions(find_barcodes=False))
    assert page.off_frame and page.to_dict()["off_frame"] and page.detected
    with pytest.raises(PageOffFrame, match="页面超出画面"):        # an ID card's copy needs the whole card
        process_still(frame, PageOptions(require_page=True, require_whole=True))


def test_a_page_close_to_the_frame_edge_but_whole_is_not_flagged():
    rng = np.random.default_rng(3)
    for i in range(24):                    # 0.5–2 % of the frame from one of its edges
        scene = random_scene(rng, DOCUMENTS[i % len(DOCUMENTS)], strong=False)
        gap, side = rng.uniform(0.005, 0.02), i % 4
        extent = float(np.ptp(np.array(scene.corners)[:, 1 if side in (0, 2) else 0]))
        scene = scene.overhanging(-gap / extent, side)
        found = detect_page(render(scene, FRAME, FONT))
        assert found is not None and not found.off_frame, i
        assert corner_error(found.corners, scene.corners_px(FRAME)) < 0.01
        preview = find_outline(render(scene, (648, 486), FONT))
        assert preview is not None and not preview.off_frame, i


def test_corrected_page_has_the_true_aspect_even_in_perspective():
    rng = np.random.default_rng(11)
    for i in range(10):
        doc = DOCUMENTS[i % len(DOCUMENTS)]
        page = process_still(render(random_scene(rng, doc), FRAME, FONT), PageOptions(find_barcodes=False))
        w, h = page.size
        assert w / h == pytest.approx(doc.aspect, rel=0.01)


def test_aspect_of_a_paper_size_we_do_not_know_comes_from_the_perspective():
    corners = project((150.0, 100.0), turn=0.1, tilt=(0.2, -0.15), centre=(0.5, 0.5), height=0.5, focal=1.0,
                      frame_aspect=4 / 3) * FRAME
    assert true_aspect(order_corners(corners), FRAME) == pytest.approx(1.5, rel=0.02)


def test_the_pipeline_reads_an_e_certificate_qr_and_reports_corners_in_input_pixels():
    rng = np.random.default_rng(5)
    scene = random_scene(rng, DOCUMENTS[0], strong=False)
    frame = render(scene, (2592, 1944), FONT)
    page = process_image_file(jpeg(frame))
    assert [b.text for b in page.barcodes] == ["ZZ330100-2026-000001"]
    assert page.detected
    assert corner_error(np.array(page.corners), scene.corners_px((2592, 1944))) < 0.01
    stored = decode_image(page.jpeg)
    assert (stored.shape[1], stored.shape[0]) == page.size
    thumb = decode_image(page.thumbnail)
    assert max(thumb.shape[:2]) == 240


def test_the_preview_outline_spares_the_search_and_gives_the_same_page():
    rng = np.random.default_rng(6)
    scene = random_scene(rng, DOCUMENTS[1], strong=False)
    still, preview = render(scene, (2592, 1944), FONT), render(scene, (648, 486), FONT)
    hinted = process_still(still, PageOptions(find_barcodes=False), find_outline(preview).scaled(4))
    searched = process_still(still, PageOptions(find_barcodes=False))
    assert np.abs(np.array(hinted.corners) - np.array(searched.corners)).max() < 3


def test_colour_modes():
    rng = np.random.default_rng(8)
    frame = render(random_scene(rng, DOCUMENTS[1]), FRAME, FONT)
    bw = decode_image(process_still(frame, PageOptions(mode=ColourMode.BLACK_WHITE)).jpeg)
    grey_levels = np.unique(cv2.cvtColor(bw, cv2.COLOR_BGR2GRAY))
    assert (grey_levels < 40).any() and (grey_levels > 215).any()
    assert np.mean((grey_levels > 40) & (grey_levels < 215)) < 0.9        # mostly two tones, JPEG aside
    colour = process_still(frame, PageOptions(mode=ColourMode.COLOUR))
    paper = decode_image(colour.jpeg)
    corner_patch = paper[20:60, 20:60].reshape(-1, 3).mean(axis=0)
    assert corner_patch.min() > 235                                           # shading divided out: white paper
    grey = enhance(paper, ColourMode.GREY)
    assert grey.ndim == 2


def pencil_page(seed: int = 1, size: tuple[int, int] = (1400, 1000)) -> tuple[np.ndarray, np.ndarray]:
    """A flattened page of light pencil writing (8 % darker than the paper) lit from the left, with the shadow
    of a phone over its lower right; and where the strokes are."""
    rng = np.random.default_rng(seed)
    h, w = size
    y, x = np.mgrid[0:h, 0:w] / np.array([h, w])[:, None, None]
    shadow = 1 / (1 + np.exp(-(x + 0.6 * y - 0.95) / 0.04))
    light = (225 - 40 * x) * (1 - 0.45 * shadow)
    ink = np.zeros((h, w), np.uint8)
    for row in range(60, h - 40, 45):
        left = 40
        while left < w - 80:
            pts = np.cumsum(rng.normal(0, 6, (12, 2)), axis=0) + [left, row]
            pts[:, 0] = np.linspace(left, left + 40, 12)
            cv2.polylines(ink, [pts.astype(np.int32).reshape(-1, 1, 2)], False, 255, 3, cv2.LINE_AA)
            left += int(rng.uniform(50, 70))
    page = light * (1 - 0.08 * ink / 255.0) + rng.normal(0, 2.0, (h, w))
    return np.clip(np.stack([page * 0.97, page, page * 1.02], axis=2), 0, 255).astype(np.uint8), ink > 128


def test_whitening_keeps_light_pencil_writing_in_every_mode():
    strokes_kept = bench_module("bench_field_photos").strokes_kept     # the share of its pixels the eye still sees
    page, strokes = pencil_page()
    as_seen = strokes_kept(page, strokes)
    paper = ~cv2.dilate(strokes.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    for mode, at_least in ((ColourMode.COLOUR, 0.85), (ColourMode.GREY, 0.85), (ColourMode.BLACK_WHITE, 0.8)):
        out = enhance(page.copy(), mode)
        kept = strokes_kept(out, strokes)
        assert kept >= max(at_least, as_seen), (mode, kept, as_seen)
        grey = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
        assert np.median(grey[paper]) >= 250, mode                 # the paper whitened
        assert np.mean(grey[paper] < 128) < 0.002, mode            # and no specks of invented ink


def test_deskew_levels_text_lines_when_no_outline_is_used():
    rng = np.random.default_rng(9)
    flat = process_still(render(random_scene(rng, DOCUMENTS[1], strong=False), FRAME, FONT),
                         PageOptions(find_barcodes=False))
    page = decode_image(flat.jpeg)
    tilted = rotate(page, -4.0)
    assert estimate_skew(tilted) == pytest.approx(-4.0, abs=0.3)     # lines fall to the right
    straightened, angle = deskew(tilted)
    assert angle == pytest.approx(4.0, abs=0.3)
    assert abs(estimate_skew(straightened)) < 0.4
    assert turn(page, 1).shape[:2] == page.shape[1::-1]


def test_bad_files_give_a_clear_message():
    with pytest.raises(ImageError, match="为空"):
        process_image_file(b"")
    with pytest.raises(ImageError, match="不是可识别的图像"):
        process_image_file(b"%PDF-1.4 not an image")
    good = jpeg(render(random_scene(np.random.default_rng(1), DOCUMENTS[0]), FRAME, FONT))
    with pytest.raises(ImageError, match="损坏"):
        process_image_file(good[: len(good) // 3])


def test_a_frame_without_a_page():
    rng = np.random.default_rng(3)
    scene = random_scene(rng, DOCUMENTS[0])
    empty = render(Scene(None, (), scene.background, scene.texture_seed, scene.lighting), FRAME)
    with pytest.raises(NoPageFound, match="没有找到纸张"):
        process_still(empty, PageOptions(require_page=True))
    whole = process_still(empty)
    assert whole.corners is None and not whole.detected and whole.size == FRAME


def test_id_copy_puts_both_sides_at_true_size_on_a4():
    front, back = (np.full((400, 640, 3), c, np.uint8) for c in ((200, 120, 40), (40, 40, 200)))
    sheet = compose_id_copy(front, back)
    assert sheet.shape == (3508, 2480, 3)                  # A4 at 300 dpi
    for (x, y, w, h), colour in zip(card_boxes(), ((200, 120, 40), (40, 40, 200)), strict=True):
        assert (w, h) == (1011, 638)                       # 85.6 × 54.0 mm at 300 dpi
        assert np.abs(sheet[y + 5:y + h - 5, x + 5:x + w - 5].astype(int) - colour).max() <= 2
        assert (sheet[y - 20:y - 5, x:x + w] == 255).all()


def test_auto_capture_fires_once_per_page():
    auto = AutoCapture(still_seconds=0.5)
    rng = np.random.default_rng(1)
    page_a = render(random_scene(rng, DOCUMENTS[0]), (320, 240))
    page_b = render(random_scene(rng, DOCUMENTS[1]), (320, 240))
    states = []
    t = 0.0
    for frame in [page_a] * 20 + [page_b] * 20:
        states.append(auto.feed(frame, True, t))
        t += 0.1
    assert states.count(CaptureState.CAPTURE) == 2
    assert states[0] is CaptureState.SETTLING and CaptureState.STEADY in states[:7]
    assert states[19] is CaptureState.DONE


def test_auto_capture_waits_for_a_page_and_for_stillness():
    auto = AutoCapture(still_seconds=0.3, continuous=False)
    rng = np.random.default_rng(2)
    scene = random_scene(rng, DOCUMENTS[0])
    frames = [render(scene.with_hand(h), (320, 240)) for h in np.linspace(1, 0, 6)] + [render(scene, (320, 240))] * 6
    states = [auto.feed(f, True, i * 0.1) for i, f in enumerate(frames)]
    assert CaptureState.CAPTURE not in states[:6]          # the hand is still moving away
    assert states.count(CaptureState.CAPTURE) == 1
    assert auto.feed(render(random_scene(rng, DOCUMENTS[2]), (320, 240)), True, 2.0) is CaptureState.PAUSED
    assert auto.feed(frames[0], False, 2.1) is CaptureState.PAUSED      # single shot: paused until re-armed
    auto.rearm()
    assert auto.feed(frames[0], False, 2.2) is CaptureState.NO_PAGE


def test_the_paper_already_on_the_desk_when_capture_begins_is_not_taken():
    auto = AutoCapture(still_seconds=0.3)
    rng = np.random.default_rng(3)
    previous = render(random_scene(rng, DOCUMENTS[0]), (320, 240))      # the last citizen's paper
    ours = render(random_scene(rng, DOCUMENTS[1]), (320, 240))
    auto.rearm(wait_for_change=True)                                     # the capture window opens
    states = [auto.feed(previous, True, i * 0.1) for i in range(15)]
    assert CaptureState.CAPTURE not in states and states[-1] is CaptureState.WAITING
    states = [auto.feed(ours, True, 1.5 + i * 0.1) for i in range(10)]
    assert states.count(CaptureState.CAPTURE) == 1                       # the page laid down is taken
    empty = AutoCapture(still_seconds=0.3)
    empty.rearm(wait_for_change=True)                                    # nothing lay there: the first page counts
    blank = np.full((240, 320, 3), 90, np.uint8)
    empty.feed(blank, False, 0.0)
    assert [empty.feed(ours, True, 0.1 + i * 0.1) for i in range(10)].count(CaptureState.CAPTURE) == 1


def test_encoded_pages_decode_back():
    image = np.zeros((32, 24, 3), np.uint8)
    assert decode_image(encode_jpeg(image)).shape == (32, 24, 3)


def test_the_camera_streams_the_largest_mjpeg_size():
    from app.devices.camera.formats import StreamFormat, choose_format

    offered = [StreamFormat("YUYV", 2592, 1944, 1), StreamFormat("YUYV", 640, 480, 30),
               StreamFormat("MJPEG", 2592, 1944, 15), StreamFormat("MJPEG", 1920, 1080, 30),
               StreamFormat("MJPEG", 3264, 2448, 2)]
    assert choose_format(offered) == StreamFormat("MJPEG", 2592, 1944, 15)      # 8 MP at 2 fps is unusable
    assert choose_format([StreamFormat("YUYV", 2592, 1944, 1), StreamFormat("YUYV", 1280, 720, 10)]) == \
        StreamFormat("YUYV", 1280, 720, 10)
    assert choose_format([]) is None


def _noisy(image: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    blurred = cv2.GaussianBlur(image, (5, 5), 1.2).astype(np.float32)
    return np.clip(blurred + rng.normal(0, 3, image.shape), 0, 255).astype(np.uint8)


def test_a_pale_note_on_a_pale_desk_is_found_by_its_colour_and_its_own_edge_not_its_printed_frame():
    """A banknote on light wood: hardly darker or lighter than the desk, a strong printed frame inside it."""
    h, w = 1200, 1600
    desk = np.full((h, w, 3), (150, 205, 232), np.uint8)           # pale warm wood (BGR)
    note = np.array([[380, 420], [1230, 380], [1270, 790], [350, 830]], np.float64)
    cv2.fillConvexPoly(desk, note.astype(np.int32), (205, 215, 212))   # grey-green paper, as light as the desk
    inset = note + np.array([[22, 22], [-22, 22], [-22, -22], [22, -22]])
    cv2.polylines(desk, [inset.astype(np.int32)], True, (40, 70, 40), 9)   # the printed border
    found = detect_page(_noisy(desk, 3))
    assert found is not None
    assert corner_error(found.corners, note) < 0.004


def test_a_curled_receipt_keeps_its_corners_on_the_paper_corners():
    """Sides bulging in their middle (a curl, 2 % of their length): each corner from the parts of its sides nearest it."""
    h, w = 1400, 1000
    image = np.full((h, w, 3), (90, 120, 150), np.uint8)
    top, bottom, left, right = 120, 1280, 300, 700
    ys = np.arange(top, bottom + 1)
    t = (ys - top) / (bottom - top)
    bow = 22 * np.clip(np.sin(np.pi * (t - 0.3) / 0.4), 0, None) * ((t > 0.3) & (t < 0.7))
    outline = np.concatenate([np.stack([left - bow, ys], 1), np.stack([right + bow, ys], 1)[::-1]])
    cv2.fillPoly(image, [outline.astype(np.int32)], (235, 238, 240))
    found = detect_page(_noisy(image, 4))
    corners = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], np.float64)
    assert found is not None and corner_error(found.corners, corners) < 0.004
