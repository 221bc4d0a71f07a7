// Old page script: Amplitude loaded by the CDN snippet (global `amplitude`).
function onPromoClick(promoId) {
  window.amplitude.getInstance().logEvent('Promo Clicked', { promoId });
}

document.querySelectorAll('.promo').forEach((el) => {
  el.addEventListener('click', () => onPromoClick(el.dataset.id));
});
