"""The demo's cast and lines, per language: names people type, notes, comments."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Script:
    pro: str
    client: str
    moderator: str
    title: str
    refused_note: str
    note: str
    comment: str
    reply: str


SCRIPTS = {
    "es": Script("Marta López", "Javier Ruiz", "Sofía (moderación)",
                 "Cambiar el grifo de la cocina",
                 "Si te ha gustado, ponme 5 estrellas; si no, escríbeme antes de valorar.",
                 "¡Gracias por confiar en mí, Javier! Cualquier ajuste que necesites, dímelo.",
                 "Puntual y muy limpia. El grifo funciona perfecto.",
                 "¡Gracias, Javier! Fue un placer."),
    "pt": Script("Ana Souza", "Pedro Lima", "Carla (moderação)", "Trocar a torneira da cozinha",
                 "Se gostou, me dê 5 estrelas; se não gostou, fale comigo antes de avaliar.",
                 "Obrigada pela confiança, Pedro! Se precisar de algum ajuste, é só falar.",
                 "Pontual e caprichosa. A torneira ficou perfeita.",
                 "Obrigada, Pedro! Foi um prazer."),
    "ar": Script("سارة أحمد", "خالد يوسف", "ليلى (الإشراف)", "تصميم شعار للمتجر",
                 "إذا أعجبك العمل أعطني خمس نجوم، وإن لم يعجبك تواصل معي قبل التقييم.",
                 "شكرا لثقتك يا خالد! إذا احتجت أي تعديل فأخبرني.",
                 "التزام بالموعد وجودة ممتازة في التصميم.",
                 "شكرا لك يا خالد! سعدت بالعمل معك."),
    "en": Script("Mary Jones", "John Smith", "Sam (moderator)", "Replace the kitchen tap",
                 "If you were happy, give me 5 stars; if not, write to me before rating.",
                 "Thanks for trusting me, John! Tell me if anything needs fixing.",
                 "On time and tidy. The tap works perfectly.",
                 "Thank you, John! It was a pleasure."),
}
